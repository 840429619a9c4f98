/* Test-only: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's std imports on Windows
   for random bytes. This stands in for it inside the test's Wine prefix, by RtlGenRandom. Never
   shipped: Windows 10/11 have the real DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
