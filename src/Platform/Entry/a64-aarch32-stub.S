/* pine64-plus: the A64 boot ROM runs the boot image in AArch32 (A32) state. These few
 * instructions, at the very start of the image, write the AArch64 entry address to CPU0's
 * reset vector base (RVBAR, in CPUCFG) and request a warm reset into AArch64 through the
 * Reset Management Register (RMR: AA64 = 1, RR = 1). The core then restarts at EL3 in
 * AArch64 at `_start` (aarch64.S). Sequence: A64 user manual 3.4 (CPUCFG RVBARADDR0) and
 * the ARMv8 ARM, G8.2.122 (RMR); U-Boot's arch/arm/mach-sunxi/rmr_switch.S does the same.
 * RVBAR_ADDRESS and AARCH64_ENTRY come from the board file through the tool. */
        .syntax unified
        .arm
        .section .text, "ax"
        .global _stub
_stub:
#include "egon-header.inc"
        ldr     r1, =RVBAR_ADDRESS
        ldr     r0, =AARCH64_ENTRY
        str     r0, [r1]
        dsb     sy
        isb     sy
        mrc     p15, 0, r0, c12, c0, 2  /* RMR */
        orr     r0, r0, #3              /* AA64 | RR */
        mcr     p15, 0, r0, c12, c0, 2
        isb     sy
1:      wfi
        b       1b
        .ltorg
