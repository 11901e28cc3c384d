/* Entry for ARMv7-A boards (orangepi-pc: Allwinner H3, Cortex-A7).
 * The boot ROM jumps to the first word of the image in A32 state, in a privileged mode,
 * with the MMU and caches off. We take SVC mode with IRQ and FIQ masked, enable VFP/NEON,
 * install our vectors, set the stack, clear BSS and call the managed runtime, then the
 * program. ilc compiles C# to Thumb-2, so the calls into it use BLX. */
        .syntax unified
        .arm
        .section .text.entry, "ax"
        .global _start
        .type   _start, %function
_start:
#include "egon-header.inc"
reset:
        cpsid   aif, #0x13              /* SVC mode, IRQ/FIQ/async aborts masked */
        /* VFP and NEON: full access to cp10 and cp11 (CPACR), then FPEXC.EN. */
        mrc     p15, 0, r0, c1, c0, 2
        orr     r0, r0, #(0xF << 20)
        mcr     p15, 0, r0, c1, c0, 2
        isb
        mov     r0, #(1 << 30)
        vmsr    fpexc, r0
        /* Vectors at VBAR (SCTLR.V = 0); SCTLR.A = 0: no alignment faults where avoidable. */
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(1 << 13)
        bic     r0, r0, #(1 << 1)
        mcr     p15, 0, r0, c1, c0, 0
        ldr     r0, =__vectors
        mcr     p15, 0, r0, c12, c0, 0
        isb
        ldr     sp, =__stack_top
        /* .data: copy it from its load address when it runs elsewhere. */
        ldr     r0, =__data_start
        ldr     r1, =__data_end
        ldr     r2, =__data_load
        cmp     r0, r2
        beq     2f
1:      cmp     r0, r1
        ldrlo   r3, [r2], #4
        strlo   r3, [r0], #4
        blo     1b
2:      /* .bss: zero it. */
        ldr     r0, =__bss_start
        ldr     r1, =__bss_end
        mov     r2, #0
3:      cmp     r0, r1
        strlo   r2, [r0], #4
        blo     3b
        ldr     r0, =__image_layout
        blx     __unikernel_runtime_start
        blx     __unikernel_main
        b       __unikernel_halt
        .ltorg

/* Exceptions: ARMv7 vector table, 32-byte aligned for VBAR. Each handler takes a small stack
 * of its own and reports kind, fault status, the faulting instruction and fault address. */
        .balign 32
        .global __vectors
__vectors:
        b       reset                   /* reset */
        b       vector_undefined
        b       vector_supervisor_call
        b       vector_prefetch_abort
        b       vector_data_abort
        b       vector_unused
        b       vector_irq
        b       vector_fiq

vector_undefined:                       /* LR = faulting instruction + 4 (A32) or + 2 (T32) */
        ldr     sp, =__exception_stack_top
        mrs     r3, spsr
        tst     r3, #(1 << 5)
        subne   r2, lr, #2
        subeq   r2, lr, #4
        mov     r0, #4
        mov     r1, #0
        mov     r3, #0
        b       report_exception
vector_supervisor_call:
        ldr     sp, =__exception_stack_top
        mov     r0, #7
        mov     r1, #0
        sub     r2, lr, #4
        mov     r3, #0
        b       report_exception
vector_prefetch_abort:                  /* IFSR, IFAR */
        ldr     sp, =__exception_stack_top
        mov     r0, #5
        mrc     p15, 0, r1, c5, c0, 1
        sub     r2, lr, #4
        mrc     p15, 0, r3, c6, c0, 2
        b       report_exception
vector_data_abort:                      /* DFSR, DFAR; LR = instruction + 8 */
        ldr     sp, =__exception_stack_top
        mov     r0, #6
        mrc     p15, 0, r1, c5, c0, 0
        sub     r2, lr, #8
        mrc     p15, 0, r3, c6, c0, 0
        b       report_exception
vector_unused:
        ldr     sp, =__exception_stack_top
        mov     r0, #8
        mov     r1, #0
        mov     r2, lr
        mov     r3, #0
        b       report_exception
vector_irq:
        ldr     sp, =__exception_stack_top
        mov     r0, #1
        mov     r1, #0
        sub     r2, lr, #4
        mov     r3, #0
        b       report_exception
vector_fiq:
        ldr     sp, =__exception_stack_top
        mov     r0, #2
        mov     r1, #0
        sub     r2, lr, #4
        mov     r3, #0
report_exception:
        blx     __unikernel_exception
        b       __unikernel_halt
        .ltorg

/* Jumps to a loaded program in A32 state (Linux arm booting.rst: r0 = 0, r1 = ~0 for a
 * device-tree-only machine, r2 = DTB address, here none). The caller has stopped DMA and
 * cleaned the caches; IRQ and FIQ stay masked. */
        .global __unikernel_jump
        .type   __unikernel_jump, %function
__unikernel_jump:                       /* r0 = entry point */
        mov     r3, r0
        mov     r0, #0
        mvn     r1, #0
        mov     r2, #0
        dsb
        isb
        bx      r3

/* The generic timer (ARM ARM B8): the physical counter CNTPCT (64 bits in r0:r1) and CNTFRQ. */
        .global __unikernel_counter
        .type   __unikernel_counter, %function
__unikernel_counter:
        isb
        mrrc    p15, 0, r0, r1, c14
        bx      lr

        .global __unikernel_counter_frequency
        .type   __unikernel_counter_frequency, %function
__unikernel_counter_frequency:
        mrc     p15, 0, r0, c14, c0, 0
        bx      lr

        .global __unikernel_set_counter_frequency
        .type   __unikernel_set_counter_frequency, %function
__unikernel_set_counter_frequency:      /* r0 = ticks a second; writable in secure PL1, where we start */
        mcr     p15, 0, r0, c14, c0, 0
        isb
        bx      lr

/* Masks interrupts and waits for ever: where every panic and a returning program end. */
        .global __unikernel_halt
        .type   __unikernel_halt, %function
__unikernel_halt:
        cpsid   aif
1:      wfi
        b       1b

/* Failed runtime checks and explicit panics: pass on which, and where from. In Thumb code
 * the return address has bit 0 set and the call was a 16- or 32-bit BL/BLX, so
 * (lr & ~1) - 2 lies inside the call instruction of the failing method. */
        .macro  RUNTIME_CHECK name, number
        .global \name
        .type   \name, %function
\name:
        mov     r0, #\number
        b       runtime_check_failed
        .endm
#include "runtime-checks.inc"

runtime_check_failed:                   /* r0 = check number */
        bic     r1, lr, #1
        sub     r1, r1, #2
        ldr     r12, =__unikernel_runtime_check_failed
        bx      r12

        .global __unikernel_panic
        .type   __unikernel_panic, %function
__unikernel_panic:                      /* r0 = the reason (a string) */
        bic     r1, lr, #1
        sub     r1, r1, #2
        ldr     r12, =__unikernel_panic_at
        bx      r12
        .ltorg

/* 64-bit multiply and shifts, which ARMv7 code generated by ilc calls out of line
 * (the runtime usually ships these; AAPCS: value in r0:r1, second operand in r2[:r3]). */
        .global RhpLMul
        .type   RhpLMul, %function
RhpLMul:
        push    {r4, lr}
        umull   r12, r4, r0, r2         /* low x low */
        mla     r4, r0, r3, r4          /* + low x high */
        mla     r4, r1, r2, r4          /* + high x low */
        mov     r0, r12
        mov     r1, r4
        pop     {r4, pc}

        .global RhpLLsh
        .type   RhpLLsh, %function
RhpLLsh:                                /* r0:r1 << r2 (0..63) */
        and     r2, r2, #63
        subs    r3, r2, #32
        bpl     1f
        rsb     r3, r2, #32
        lsl     r1, r1, r2
        orr     r1, r1, r0, lsr r3
        lsl     r0, r0, r2
        bx      lr
1:      lsl     r1, r0, r3
        mov     r0, #0
        bx      lr

        .global RhpLRsh
        .type   RhpLRsh, %function
RhpLRsh:                                /* r0:r1 >> r2, arithmetic */
        and     r2, r2, #63
        subs    r3, r2, #32
        bpl     1f
        rsb     r3, r2, #32
        lsr     r0, r0, r2
        orr     r0, r0, r1, lsl r3
        asr     r1, r1, r2
        bx      lr
1:      asr     r0, r1, r3
        asr     r1, r1, #31
        bx      lr

        .global RhpLRsz
        .type   RhpLRsz, %function
RhpLRsz:                                /* r0:r1 >> r2, logical */
        and     r2, r2, #63
        subs    r3, r2, #32
        bpl     1f
        rsb     r3, r2, #32
        lsr     r0, r0, r2
        orr     r0, r0, r1, lsl r3
        lsr     r1, r1, r2
        bx      lr
1:      lsr     r0, r1, r3
        mov     r1, #0
        bx      lr

/* ilc's ARM objects name the EHABI personality routine; nothing unwinds here. */
        .global __aeabi_unwind_cpp_pr0, __aeabi_unwind_cpp_pr1
        .type   __aeabi_unwind_cpp_pr0, %function
__aeabi_unwind_cpp_pr1:
__aeabi_unwind_cpp_pr0:
        b       __unikernel_halt

/* The last thing in the entry code is an instruction, not a literal pool: disassemblers
 * take the compiled C# that the linker places next for code, not data. */
        .global __entry_code_end
__entry_code_end:
        udf     #0

        .section .rodata.layout, "a"
        .balign 4
/* Unikernel.ImageLayout: ten words, in the order of the C# struct. */
__image_layout:
        .word   __image_start, __image_end, __heap_start, __heap_end
        .word   __stack_bottom, __stack_top, __build_id_start, __build_id_end
        .word   __modules_start, __modules_end
        .word   __ram_start, __ram_end

        .section .data.cookie, "aw"
        .balign 4
/* Stack-buffer overrun cookie ilc's code checks in functions with stack buffers. */
        .global __security_cookie
__security_cookie:
        .word   0x2B992DDF

        .section .bss.exception_stack, "aw", %nobits
        .balign 8
        .space  512
__exception_stack_top:
