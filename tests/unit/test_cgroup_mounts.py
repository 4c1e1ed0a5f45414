"""Reading where the cgroup hierarchies are and where this process sits in them."""

from pathlib import Path

from grader.sandbox.cgroups import Mount, mounts, own_cgroups

# A hybrid host (this VM's layout): v1 controllers, and a cgroup2 mount with none.
HYBRID = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw
"""
# A container: the unified hierarchy bind-mounted from the cgroup the container runs in.
CONTAINER = "612 600 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw\n"


def test_each_hierarchy_is_found_where_it_is_mounted_with_its_controllers():
    found = mounts(HYBRID)
    assert [(str(m.path), m.version) for m in found] == [
        ("/sys/fs/cgroup/memory", 1),
        ("/sys/fs/cgroup/pids", 1),
        ("/sys/fs/cgroup/cpu,cpuacct", 1),
        ("/sys/fs/cgroup/unified", 2),
    ]
    assert "pids" in found[1].options and {"cpu", "cpuacct"} <= found[2].options


def test_a_mount_point_with_a_space_is_read_as_the_kernel_escapes_it():
    (mount,) = mounts("50 1 0:40 / /tmp/my\\040cgroups rw - cgroup2 none rw\n")
    assert mount.path == Path("/tmp/my cgroups")


def test_own_cgroups_by_v1_controller_and_the_unified_hierarchy():
    own = own_cgroups("8:pids:/\n4:memory:/process_api/3be9\n2:cpu,cpuacct:/x\n1:name=systemd:/\n0::/user.slice/a\n")
    assert own == {"pids": "/", "memory": "/process_api/3be9", "cpu": "/x", "cpuacct": "/x", "name=systemd": "/", "": "/user.slice/a"}  # fmt: skip


def test_a_cgroup_is_found_under_a_mount_of_part_of_the_hierarchy_only_when_inside_it():
    (mount,) = mounts(CONTAINER)
    assert mount == Mount(Path("/sys/fs/cgroup"), "/docker/abc", 2, frozenset({"rw"}))
    assert mount.folder("/docker/abc/worker") == Path("/sys/fs/cgroup/worker")
    assert mount.folder("/docker/abc") == Path("/sys/fs/cgroup")
    assert mount.folder("/docker/abcd") is None and mount.folder("/") is None
