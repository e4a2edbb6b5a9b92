#!/usr/bin/python3
# A tiny FUSE filesystem for the fault suite (e2e/faults-*.test.ts): it serves a few real files
# (each `--file NAME=BACKING`) and fails on demand, so a loop device over one of them behaves like
# a stick that is pulled out, and an ISO on it like a disk with bad sectors. Debian: python3-fusepy
# (over libfuse2), in scripts/debian-packages.txt.
#
#   faultfs.py MOUNTPOINT --control DIR --file NAME=BACKING [--file ...] [--read-eio NAME:START:END]
#
# Read on every operation from the control directory (a plain directory outside the mount):
#   DIR/fail       exists: every read, write, flush and fsync answers EIO (the stick is gone)
#   DIR/delay-ms   a number: each read and write sleeps that long first (a slow stick)
#   DIR/fsync-eio  exists: the next fsync answers EIO, once (the file is removed): fsyncgate
# --read-eio: reads of NAME that touch bytes [START, END) answer EIO (a bad sector in an ISO).
# Every file is opened with direct_io, so no page cache stands between the kernel and us.
import argparse
import errno
import os
import stat
import sys
import time

import fusepy
from fusepy import FUSE, FuseOSError, Operations


class FaultFs(Operations):
    use_ns = True

    def __init__(self, files, control, read_eio):
        self.files = files  # name -> backing path
        self.control = control
        self.read_eio = read_eio  # name -> [(start, end)]
        self.fds = {}

    # -- faults
    def _gone(self):
        return os.path.exists(os.path.join(self.control, 'fail'))

    def _delay(self):
        try:
            with open(os.path.join(self.control, 'delay-ms')) as f:
                ms = float(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return
        if ms > 0:
            time.sleep(ms / 1000)

    def _backing(self, path):
        name = path.lstrip('/')
        if name not in self.files:
            raise FuseOSError(errno.ENOENT)
        return name, self.files[name]

    # -- metadata
    def getattr(self, path, fh=None):
        if path == '/':
            now = time.time_ns()
            return {'st_mode': stat.S_IFDIR | 0o755, 'st_nlink': 2, 'st_size': 0, 'st_ctime': now, 'st_mtime': now, 'st_atime': now}
        _, backing = self._backing(path)
        st = os.lstat(backing)
        return {key: getattr(st, key) for key in ('st_mode', 'st_nlink', 'st_size', 'st_uid', 'st_gid', 'st_blocks')} | {
            'st_atime': st.st_atime_ns, 'st_mtime': st.st_mtime_ns, 'st_ctime': st.st_ctime_ns}

    def readdir(self, path, fh):
        return ['.', '..', *self.files.keys()]

    def statfs(self, path):
        st = os.statvfs(self.control)
        return {key: getattr(st, key) for key in ('f_bsize', 'f_frsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree', 'f_namemax')}

    def access(self, path, amode):
        self._backing(path) if path != '/' else None
        return 0

    # -- data
    def open(self, path, flags):
        name, backing = self._backing(path)
        fd = os.open(backing, flags & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR))
        self.fds[fd] = name
        return fd

    def read(self, path, size, offset, fh):
        self._delay()
        if self._gone():
            raise FuseOSError(errno.EIO)
        for start, end in self.read_eio.get(self.fds.get(fh, ''), []):
            if offset < end and offset + size > start:
                raise FuseOSError(errno.EIO)
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        self._delay()
        if self._gone():
            raise FuseOSError(errno.EIO)
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        if self._gone():
            raise FuseOSError(errno.EIO)
        _, backing = self._backing(path)
        os.truncate(backing, length)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        if self._gone():
            raise FuseOSError(errno.EIO)
        try:
            os.unlink(os.path.join(self.control, 'fsync-eio'))
            raise FuseOSError(errno.EIO)
        except FileNotFoundError:
            pass
        os.fsync(fh)
        return 0

    def release(self, path, fh):
        self.fds.pop(fh, None)
        os.close(fh)
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('mountpoint')
    parser.add_argument('--control', required=True)
    parser.add_argument('--file', action='append', default=[])
    parser.add_argument('--read-eio', action='append', default=[])
    args = parser.parse_args()
    files = dict(item.split('=', 1) for item in args.file)
    read_eio = {}
    for item in args.read_eio:
        name, start, end = item.rsplit(':', 2)
        read_eio.setdefault(name, []).append((int(start), int(end)))
    sys.stdout.write(f'faultfs {fusepy.__name__} serving {", ".join(files)}\n')
    sys.stdout.flush()
    FUSE(FaultFs(files, args.control, read_eio), args.mountpoint, foreground=True, nothreads=True, direct_io=True,
         big_writes=True, max_write=1 << 20, max_read=1 << 20, fsname='swfaultfs', subtype='swfault')


if __name__ == '__main__':
    main()
