#ifndef TARJAMA_FUZZER_DRIVER_H
#define TARJAMA_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a program that has its own main (SwiftPM names an executable's
/// entry point itself). Only a build with -sanitize=fuzzer links it (scripts/fuzz.sh).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
