/* Entry for AArch64 boards at EL3 (qemu-virt with -bios; pine64-plus after its switch from
 * AArch32, see a64-aarch32-stub.S). MMU and caches are off. We mask interrupts, allow FP and
 * SIMD (ilc uses them), install our vectors, set the stack, copy .data, clear BSS and call
 * the managed runtime, then the program. */
        .section .text.entry, "ax"
#ifdef AARCH32_STUB
/* pine64-plus: the boot ROM enters the image in AArch32 at its first byte. */
        .incbin AARCH32_STUB
        .org    AARCH32_STUB_SIZE       /* _start at a fixed offset: the stub jumps there */
#endif
        .global _start
        .type   _start, %function
_start:
        msr     daifset, #0xF
        /* FP/SIMD: no trap at EL3 (CPTR_EL3.TFP = 0) nor below (CPACR_EL1.FPEN = 0b11). */
        mrs     x0, cptr_el3
        bic     x0, x0, #(1 << 10)
        msr     cptr_el3, x0
        mov     x0, #(3 << 20)
        msr     cpacr_el1, x0
        /* SCTLR_EL3.A = 0: no alignment checks where the memory type allows it. */
        mrs     x0, sctlr_el3
        bic     x0, x0, #(1 << 1)
        msr     sctlr_el3, x0
        ldr     x0, =__vectors
        msr     vbar_el3, x0
        isb
        ldr     x0, =__stack_top
        mov     sp, x0
        /* .data: copy it from its load address when it runs elsewhere (flash to RAM). */
        ldr     x0, =__data_start
        ldr     x1, =__data_end
        ldr     x2, =__data_load
        cmp     x0, x2
        b.eq    2f
1:      cmp     x0, x1
        b.hs    2f
        ldr     x3, [x2], #8
        str     x3, [x0], #8
        b       1b
2:      /* .bss: zero it. */
        ldr     x0, =__bss_start
        ldr     x1, =__bss_end
3:      cmp     x0, x1
        b.hs    4f
        str     xzr, [x0], #8
        b       3b
4:      ldr     x0, =__image_layout
        bl      __unikernel_runtime_start
        bl      __unikernel_main
        b       __unikernel_halt
        .ltorg

/* The generic timer (ARM ARM D11): the physical counter and its frequency. */
        .global __unikernel_counter
        .type   __unikernel_counter, %function
__unikernel_counter:
        isb                             /* not read ahead of the code before it */
        mrs     x0, cntpct_el0
        ret

        .global __unikernel_counter_frequency
        .type   __unikernel_counter_frequency, %function
__unikernel_counter_frequency:
        mrs     x0, cntfrq_el0
        ret

        .global __unikernel_set_counter_frequency
        .type   __unikernel_set_counter_frequency, %function
__unikernel_set_counter_frequency:      /* w0 = ticks a second; writable at EL3 only */
        msr     cntfrq_el0, x0
        isb
        ret

/* Jumps to a loaded program (Linux arm64 booting.rst: x0 = DTB, here none, x1-x3 = 0). The
 * caller has stopped DMA and cleaned the caches; interrupts stay masked. */
        .global __unikernel_jump
        .type   __unikernel_jump, %function
__unikernel_jump:                       /* x0 = entry point */
        mov     x4, x0
        mov     x0, #0
        mov     x1, #0
        mov     x2, #0
        mov     x3, #0
        dsb     sy
        isb
        br      x4

/* Masks interrupts and waits for ever: where every panic and a returning program end. */
        .global __unikernel_halt
        .type   __unikernel_halt, %function
__unikernel_halt:
        msr     daifset, #0xF
1:      wfi
        b       1b

/* Failed runtime checks and explicit panics: pass on which, and where from. The return
 * address minus 4 is the BL in the failing method. */
        .macro  RUNTIME_CHECK name, number
        .global \name
        .type   \name, %function
\name:
        mov     x0, #\number
        b       runtime_check_failed
        .endm
#include "runtime-checks.inc"

runtime_check_failed:                   /* x0 = check number */
        sub     x1, x30, #4
        b       __unikernel_runtime_check_failed

        .global __unikernel_panic
        .type   __unikernel_panic, %function
__unikernel_panic:                      /* x0 = the reason (a string) */
        sub     x1, x30, #4
        b       __unikernel_panic_at

/* Reference stores, which ilc's AArch64 code calls with a register convention of its own
 * (x14 = destination, x15 = value; by-ref copies: x13 = source; each pointer advanced by 8).
 * With no GC there is no card table to mark: a store is a store. */
        .global RhpAssignRefArm64, RhpCheckedAssignRefArm64, RhpByRefAssignRefArm64
        .type   RhpAssignRefArm64, %function
        .type   RhpCheckedAssignRefArm64, %function
        .type   RhpByRefAssignRefArm64, %function
RhpAssignRefArm64:
RhpCheckedAssignRefArm64:
        str     x15, [x14], #8
        ret
RhpByRefAssignRefArm64:
        ldr     x15, [x13], #8
        str     x15, [x14], #8
        ret

/* Exceptions: the EL3 vector table, 2 KiB aligned, sixteen 128-byte entries in four groups
 * (current EL with SP0, current EL with SPx, lower EL AArch64, lower EL AArch32), each
 * group synchronous, IRQ, FIQ, SError. Every one is unexpected for now: report and halt. */
        .macro  vector kind
        .balign 0x80
        mov     x0, #\kind
        b       report_exception
        .endm

        .balign 0x800
        .global __vectors
__vectors:
        .rept   4
        vector  0
        vector  1
        vector  2
        vector  3
        .endr

report_exception:
        ldr     x1, =__exception_stack_top
        mov     sp, x1
        mrs     x1, esr_el3
        mrs     x2, elr_el3
        mrs     x3, far_el3
        bl      __unikernel_exception
        b       __unikernel_halt
        .ltorg

/* The last thing in the entry code is an instruction, not a literal pool: disassemblers
 * take the compiled C# that the linker places next for code, not data. */
        .global __entry_code_end
__entry_code_end:
        udf     #0

        .section .rodata.layout, "a"
        .balign 8
/* Unikernel.ImageLayout: ten words, in the order of the C# struct. */
__image_layout:
        .quad   __image_start, __image_end, __heap_start, __heap_end
        .quad   __stack_bottom, __stack_top, __build_id_start, __build_id_end
        .quad   __modules_start, __modules_end
        .quad   __ram_start, __ram_end

        .section .data.cookie, "aw"
        .balign 8
/* Stack-buffer overrun cookie ilc's code checks in functions with stack buffers. */
        .global __security_cookie
__security_cookie:
        .quad   0x2B992DDF2B992DDF

        .section .bss.exception_stack, "aw", %nobits
        .balign 16
        .space  1024
__exception_stack_top:
