#ifndef ZONEREGISTRY_CFUZZING_H
#define ZONEREGISTRY_CFUZZING_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). SwiftPM links an executable
   with its own `main`, so libFuzzer's `main` never runs: `main.swift` calls this instead when
   built with -DFUZZING (MACHINE-NOTES, "Sanitizers and fuzzing under SwiftPM"). Only
   declared here; nothing references it in an ordinary build. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
