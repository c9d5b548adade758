import CLibUV

/// What the process holds right now, read when `/metrics` is scraped so a soak run (or an
/// operator's dashboard) can see leaks from outside: descriptors, resident memory and the
/// loop's handles. Each read is a few system calls; none of it is on the query path.
extension EventLoop {
    /// Entries of /proc/self/fd, as Prometheus's `process_open_fds` counts them (the
    /// directory's own descriptor, open while it is read, included); nil where /proc is missing.
    var openDescriptorCount: Int? {
        var request = uv_fs_t()
        defer { uv_fs_req_cleanup(&request) }
        // No callback: libuv runs the scandir synchronously and returns the entry count.
        let count = uv_fs_scandir(raw, &request, "/proc/self/fd", 0, nil)
        return count >= 0 ? Int(count) : nil
    }

    /// Resident set size in bytes (libuv reads /proc/self/stat); nil if it cannot be read.
    var residentMemoryBytes: Int? {
        var bytes = 0
        return uv_resident_set_memory(&bytes) == 0 ? bytes : nil
    }
}
