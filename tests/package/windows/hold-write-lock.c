/* Test-only, for the Windows package test under Wine: holds a ledger's SQLite write lock the way
 * any writer does on Windows (LockFileEx on byte 120 of the -shm file, WAL_WRITE_LOCK in SQLite's
 * Windows VFS), as the desktop program does while it writes, for the given milliseconds.
 * It writes LEDGER.locked once the lock is held, so the test starts the CLI only then.
 * Usage: hold-write-lock.exe LEDGER MILLISECONDS */
#include <windows.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) return 1;
    wchar_t path[4096];
    swprintf(path, 4096, L"%ls-shm", argv[1]);
    HANDLE shm = CreateFileW(path, GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                             OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (shm == INVALID_HANDLE_VALUE) return 2;
    OVERLAPPED at = {0};
    at.Offset = 120;
    if (!LockFileEx(shm, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &at)) return 3;
    swprintf(path, 4096, L"%ls.locked", argv[1]);
    HANDLE ready = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (ready == INVALID_HANDLE_VALUE) return 4;
    CloseHandle(ready);
    Sleep((DWORD)_wtoi(argv[2]));
    UnlockFileEx(shm, 0, 1, 0, &at);
    CloseHandle(shm);
    DeleteFileW(path);
    return 0;
}
