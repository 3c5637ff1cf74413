// Provides std::ios_base_library_init(), the one GLIBCXX_3.4.32 symbol TorchSharp 0.107's
// libLibTorchSharp.so needs (it is built with GCC 13; Debian 12 ships GCC 12's libstdc++).
// GCC 13 emits a call to it from every translation unit that includes <iostream>; initialising
// the standard streams once is exactly what it does. See docs/adr/0006-torchsharp-libstdcxx.md.
#include <ios>

namespace std
{
    __attribute__((visibility("default"))) void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
