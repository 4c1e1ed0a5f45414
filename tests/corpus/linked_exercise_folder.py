"""No code of its own: exercise 02's folder is a link to the reference solution's.

# link: 02_first_route -> __COURSE__/solutions/02_first_route
"""
