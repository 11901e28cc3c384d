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
        b       vector_irq_through_pointer
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
/* IRQ: through irq_entry, a word in .data. Until a program sets a handler it points at the
 * report below (an unexpected IRQ); __unikernel_set_irq_handler points it at vector_irq. So
 * vector_irq sits in that helper's section, and images that never set one do not carry it.
 * SP_irq is free for the jump: IRQ mode keeps no stack of its own. */
vector_irq_through_pointer:
        ldr     sp, =irq_entry
        ldr     pc, [sp]
vector_irq_unexpected:                  /* IRQ (1) and FIQ (2) report alike */
        mov     r0, #1
        b       1f
vector_fiq:
        mov     r0, #2
1:      ldr     sp, =__exception_stack_top
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

/* The CPU helpers below each sit in a section of their own: the linker (--gc-sections) keeps
 * only those a program calls, so the first-stage images stay small. */
        .section .text.unikernel_set_irq_handler, "ax"
        .global __unikernel_set_irq_handler
        .type   __unikernel_set_irq_handler, %function
__unikernel_set_irq_handler:            /* r0 = what vector_irq calls */
        ldr     r1, =irq_handler
        str     r0, [r1]
        ldr     r1, =irq_entry
        ldr     r0, =vector_irq
        str     r0, [r1]
        bx      lr

/* The IRQ vector proper: the handler runs in SVC mode on the interrupted code's stack (as Linux's __irq_svc does),
 * so IRQ mode needs no stack of its own and a handler has the 16 KiB SVC stack, not a small one.
 * SRS puts the return address and SPSR on the SVC stack, RFE takes them back (ARMv7 ARM,
 * SRS and RFE). Saved: what AAPCS lets a callee clobber, r0-r3, r12, lr, d0-d7, d16-d31 and FPSCR
 * (ilc's code uses VFP/NEON); the stack is re-aligned to 8 bytes for the call. */
vector_irq:
        sub     lr, lr, #4
        srsdb   sp!, #0x13
        cps     #0x13
        push    {r0-r3, r12, lr}
        vpush   {d0-d7}
        vpush   {d16-d31}
        vmrs    r0, fpscr
        and     r1, sp, #4              /* the pad that makes SP 8-byte aligned */
        sub     sp, sp, r1
        push    {r0, r1}                /* FPSCR and the pad */
        ldr     r0, =irq_handler
        ldr     r0, [r0]
        blx     r0
        pop     {r0, r1}
        add     sp, sp, r1
        vmsr    fpscr, r0
        vpop    {d16-d31}
        vpop    {d0-d7}
        pop     {r0-r3, r12, lr}
        rfeia   sp!
        .ltorg


/* IRQ mask (CPSR.I). IRQs are taken in secure IRQ mode: SCR.IRQ stays 0 (ARMv7 ARM, "Asynchronous exception behavior"). */
/* A full barrier between normal-memory accesses (see aarch64.S). */
        .section .text.unikernel_memory_barrier, "ax"
        .global __unikernel_memory_barrier
        .type   __unikernel_memory_barrier, %function
__unikernel_memory_barrier:
        dmb     ish
        bx      lr

        .section .text.unikernel_interrupts_enable, "ax"
        .global __unikernel_interrupts_enable
        .type   __unikernel_interrupts_enable, %function
__unikernel_interrupts_enable:
        cpsie   i
        isb                             /* a pending IRQ is taken here, before the caller goes on */
        bx      lr

        .section .text.unikernel_interrupts_disable, "ax"
        .global __unikernel_interrupts_disable
        .type   __unikernel_interrupts_disable, %function
__unikernel_interrupts_disable:
        cpsid   i
        bx      lr

        .section .text.unikernel_interrupts_enabled, "ax"
        .global __unikernel_interrupts_enabled
        .type   __unikernel_interrupts_enabled, %function
__unikernel_interrupts_enabled:         /* 1 when CPSR.I is clear */
        mrs     r0, cpsr
        ubfx    r0, r0, #7, #1
        eor     r0, r0, #1
        bx      lr

/* WFI (ARMv7 ARM, "Wait For Interrupt"): the core sleeps until an interrupt is pending, and wakes
 * for it even with CPSR.I set, so a caller can mask IRQs, look for work, sleep, then unmask to
 * take what woke it without losing one in between. DSB first: writes (a timer's compare value)
 * complete before the core stops. Under QEMU the vCPU's host thread blocks. */
        .section .text.unikernel_wait_for_interrupt, "ax"
        .global __unikernel_wait_for_interrupt
        .type   __unikernel_wait_for_interrupt, %function
__unikernel_wait_for_interrupt:
        dsb
        wfi
        bx      lr

/* The PL1 physical timer, secure instance in secure SVC (ARMv7 ARM, "Generic Timer"): CNTP_CVAL, CNTP_CTL. */
        .section .text.unikernel_timer_set_compare, "ax"
        .global __unikernel_timer_set_compare
        .type   __unikernel_timer_set_compare, %function
__unikernel_timer_set_compare:          /* r0:r1 = the counter value to fire at */
        mcrr    p15, 2, r0, r1, c14
        isb
        bx      lr

        .section .text.unikernel_timer_set_control, "ax"
        .global __unikernel_timer_set_control
        .type   __unikernel_timer_set_control, %function
__unikernel_timer_set_control:          /* r0 = CNTP_CTL: ENABLE bit 0, IMASK bit 1 */
        mcr     p15, 0, r0, c14, c2, 1
        isb
        bx      lr

/* Cache maintenance (ARMv7 ARM, "Cache and branch predictor maintenance operations"). Lines by MVA to the point of coherency over
 * [r0, r1), r0 aligned to the line size r2 by the caller; then DSB so the DMA sees it. */
        .section .text.unikernel_dcache_line_size, "ax"
        .global __unikernel_dcache_line_size
        .type   __unikernel_dcache_line_size, %function
__unikernel_dcache_line_size:           /* CTR.DminLine: log2 of the smallest line in words */
        mrc     p15, 0, r0, c0, c0, 1
        ubfx    r0, r0, #16, #4
        mov     r1, #4
        lsl     r0, r1, r0
        bx      lr

        .macro  DCACHE_LINES name, crm, opc2
        .section .text.\name, "ax"
        .global \name
        .type   \name, %function
\name:
        dsb
1:      mcr     p15, 0, r0, c7, \crm, \opc2
        add     r0, r0, r2
        cmp     r0, r1
        blo     1b
        dsb
        bx      lr
        .endm
        DCACHE_LINES __unikernel_dcache_clean_lines, c10, 1            /* DCCMVAC */
        DCACHE_LINES __unikernel_dcache_invalidate_lines, c6, 1        /* DCIMVAC */
        DCACHE_LINES __unikernel_dcache_clean_invalidate_lines, c14, 1 /* DCCIMVAC */

        .section .text.unikernel_icache_invalidate, "ax"
        .global __unikernel_icache_invalidate
        .type   __unikernel_icache_invalidate, %function
__unikernel_icache_invalidate:          /* ICIALLU and BPIALL */
        mov     r0, #0
        mcr     p15, 0, r0, c7, c5, 0
        mcr     p15, 0, r0, c7, c5, 6
        dsb
        isb
        bx      lr

/* Clean and invalidate every data cache level up to the level of coherency, by set/way
 * (the ARMv7 ARM's example loop over CLIDR and CCSIDR). Uses r0-r5, r7, r9-r11 and no
 * memory: it runs with the data cache just turned off. */
        .macro  DCACHE_ALL_CLEAN_INVALIDATE
        mrc     p15, 1, r0, c0, c0, 1   /* CLIDR */
        ubfx    r3, r0, #24, #3         /* LoC */
        lsl     r3, r3, #1              /* LoC * 2, the CSSELR form of a level */
        mov     r10, #0                 /* level * 2 */
1:      cmp     r10, r3
        bhs     5f
        add     r2, r10, r10, lsr #1    /* level * 3: that level's Ctype in CLIDR */
        lsr     r1, r0, r2
        and     r1, r1, #7
        cmp     r1, #2                  /* 2 and up: there is a data cache at this level */
        blo     4f
        mcr     p15, 2, r10, c0, c0, 0  /* CSSELR */
        isb
        mrc     p15, 1, r1, c0, c0, 0   /* CCSIDR */
        and     r2, r1, #7
        add     r2, r2, #4              /* log2 of the line length in bytes: the set shift */
        ubfx    r4, r1, #3, #10         /* ways - 1 */
        clz     r5, r4                  /* the way shift */
        ubfx    r7, r1, #13, #15        /* sets - 1 */
2:      mov     r9, r4
3:      orr     r11, r10, r9, lsl r5
        orr     r11, r11, r7, lsl r2
        mcr     p15, 0, r11, c7, c14, 2 /* DCCISW */
        subs    r9, r9, #1
        bge     3b
        subs    r7, r7, #1
        bge     2b
4:      add     r10, r10, #2
        b       1b
5:      mov     r10, #0
        mcr     p15, 2, r10, c0, c0, 0
        dsb
        isb
        .endm

        .section .text.unikernel_dcache_clean_invalidate_all, "ax"
        .global __unikernel_dcache_clean_invalidate_all
        .type   __unikernel_dcache_clean_invalidate_all, %function
__unikernel_dcache_clean_invalidate_all:
        push    {r4-r11, lr}
        DCACHE_ALL_CLEAN_INVALIDATE
        pop     {r4-r11, pc}

/* MMU on (ARMv7 ARM, short-descriptor translation and SCTLR): r0 = TTBR0 (the L1 table with its walk attributes),
 * r1 = DACR, r2 = TTBCR. Cortex-A7 wants ACTLR.SMP set before the data cache comes on
 * (Cortex-A7 MPCore TRM, ACTLR); the caches were off, so set/way clean-invalidate only drops
 * what reset may have left; then TLBs, I-cache and branch predictor, then M, C, I and Z. */
        .section .text.unikernel_mmu_enable, "ax"
        .global __unikernel_mmu_enable
        .type   __unikernel_mmu_enable, %function
__unikernel_mmu_enable:
        push    {r4-r11, lr}
        mov     r6, r0
        mov     r8, r1
        mov     r12, r2
        mrc     p15, 0, r0, c1, c0, 1   /* ACTLR.SMP, bit 6 */
        orr     r0, r0, #(1 << 6)
        mcr     p15, 0, r0, c1, c0, 1
        isb
        DCACHE_ALL_CLEAN_INVALIDATE
        mcr     p15, 0, r12, c2, c0, 2  /* TTBCR */
        mcr     p15, 0, r6, c2, c0, 0   /* TTBR0 */
        mcr     p15, 0, r8, c3, c0, 0   /* DACR */
        mov     r0, #0
        mcr     p15, 0, r0, c8, c7, 0   /* TLBIALL */
        mcr     p15, 0, r0, c7, c5, 0   /* ICIALLU */
        mcr     p15, 0, r0, c7, c5, 6   /* BPIALL */
        dsb
        isb
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(3 << 28)      /* TRE = 0 (TEX/C/B as written), AFE = 0 */
        orr     r0, r0, #(1 << 0)       /* M */
        orr     r0, r0, #(1 << 2)       /* C */
        orr     r0, r0, #(1 << 11)      /* Z: branch prediction */
        orr     r0, r0, #(1 << 12)      /* I */
        mcr     p15, 0, r0, c1, c0, 0
        isb
        pop     {r4-r11, pc}

/* MMU and caches off, for a jump to a loaded kernel (Linux Documentation/arch/arm/booting.rst:
 * MMU off, data cache off). C goes off first so nothing new is allocated, then the set/way loop
 * writes back every dirty line (the registers pushed here among them, which the pop then reads
 * from memory), then M and I, then the I-cache, branch predictor and TLBs are emptied. */
        .section .text.unikernel_mmu_disable, "ax"
        .global __unikernel_mmu_disable
        .type   __unikernel_mmu_disable, %function
__unikernel_mmu_disable:
        push    {r4-r11, lr}
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(1 << 2)
        mcr     p15, 0, r0, c1, c0, 0
        isb
        DCACHE_ALL_CLEAN_INVALIDATE
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(1 << 0)
        bic     r0, r0, #(1 << 12)
        mcr     p15, 0, r0, c1, c0, 0
        isb
        mov     r0, #0
        mcr     p15, 0, r0, c7, c5, 0   /* ICIALLU */
        mcr     p15, 0, r0, c7, c5, 6   /* BPIALL */
        mcr     p15, 0, r0, c8, c7, 0   /* TLBIALL */
        dsb
        isb
        pop     {r4-r11, pc}
        .ltorg

        .section .text.entry, "ax"
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
__unikernel_panic:                      /* r0, r1 = the reason (a ReadOnlySpan<byte>: pointer, length) */
        bic     r2, lr, #1
        sub     r2, r2, #2
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

/* Every core: which one this is, atomics, and the start of cores 1-3 (src/Platform/Cpu/Cpu.cs,
 * Atomic.cs). Each helper sits in a section of its own, so an image that starts no core
 * carries none of it but __unikernel_core_index (Kernel.Panic names secondary cores). */
#ifndef CORE_STACK_SIZE
#error "CORE_STACK_SIZE (each secondary core's stack, the board's stack size) comes from the tool"
#endif
#define SECONDARY_CORES 3

        .section .text.unikernel_core_index, "ax"
        .global __unikernel_core_index
        .type   __unikernel_core_index, %function
__unikernel_core_index:                 /* MPIDR.Aff0: the H3 has one cluster of four (ARMv7 ARM B4.1.106) */
        mrc     p15, 0, r0, c0, c0, 5
        and     r0, r0, #0xff
        bx      lr

        .section .text.unikernel_mpidr, "ax"
        .global __unikernel_mpidr
        .type   __unikernel_mpidr, %function
__unikernel_mpidr:
        mrc     p15, 0, r0, c0, c0, 5
        bx      lr

/* Atomics over a 32-bit word with LDREX/STREX (ARMv7 ARM A3.4, "Synchronization and semaphores"),
 * each a full barrier (DMB ISH before and after, as Linux's atomic_*_return on ARMv7), so a
 * lock taken with one orders what follows it. */
        .section .text.unikernel_atomic_compare_exchange, "ax"
        .global __unikernel_atomic_compare_exchange
        .type   __unikernel_atomic_compare_exchange, %function
__unikernel_atomic_compare_exchange:    /* r0 = address, r1 = value, r2 = comparand; returns the old value */
        dmb     ish
1:      ldrex   r3, [r0]
        cmp     r3, r2
        bne     2f
        strex   r12, r1, [r0]
        cmp     r12, #0
        bne     1b
2:      clrex
        dmb     ish
        mov     r0, r3
        bx      lr

        .section .text.unikernel_atomic_exchange, "ax"
        .global __unikernel_atomic_exchange
        .type   __unikernel_atomic_exchange, %function
__unikernel_atomic_exchange:            /* r0 = address, r1 = value; returns the old value */
        dmb     ish
1:      ldrex   r2, [r0]
        strex   r3, r1, [r0]
        cmp     r3, #0
        bne     1b
        dmb     ish
        mov     r0, r2
        bx      lr

        .section .text.unikernel_atomic_add, "ax"
        .global __unikernel_atomic_add
        .type   __unikernel_atomic_add, %function
__unikernel_atomic_add:                 /* r0 = address, r1 = addend; returns the new value */
        dmb     ish
1:      ldrex   r2, [r0]
        add     r2, r2, r1
        strex   r3, r2, [r0]
        cmp     r3, #0
        bne     1b
        dmb     ish
        mov     r0, r2
        bx      lr

/* A secondary core's start. __unikernel_core_prepare records what core n calls and returns where
 * the SoC must start it (the H3: CPUCFG's soft entry). There the core is in secure SVC with the
 * MMU and caches off (refs/qemu-h3.md 1.3), as core 0 was at reset: the same CPU set-up as
 * `reset`, ACTLR.SMP before any cache comes on (Cortex-A7 MPCore TRM 4.3.31), then its own stack
 * (core n's is the n-th CORE_STACK_SIZE of core_stacks, from its base) and the call. A returning
 * entry halts the core, or parks it (secondary_park) where the tool gives a park table. */
        .section .text.unikernel_secondary, "ax"
        .global __unikernel_core_prepare
        .type   __unikernel_core_prepare, %function
__unikernel_core_prepare:               /* r0 = core, r1 = entry(core); returns the reset address */
        ldr     r2, =core_entry
        str     r1, [r2, r0, lsl #2]
        dsb
        ldr     r0, =__unikernel_secondary_start
        bx      lr

        .global __unikernel_secondary_start
        .type   __unikernel_secondary_start, %function
__unikernel_secondary_start:
        cpsid   aif, #0x13
        mrc     p15, 0, r0, c1, c0, 2
        orr     r0, r0, #(0xF << 20)
        mcr     p15, 0, r0, c1, c0, 2
        isb
        mov     r0, #(1 << 30)
        vmsr    fpexc, r0
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(1 << 13)
        bic     r0, r0, #(1 << 1)
        mcr     p15, 0, r0, c1, c0, 0
        ldr     r0, =__vectors
        mcr     p15, 0, r0, c12, c0, 0
        mrc     p15, 0, r0, c1, c0, 1   /* ACTLR.SMP, bit 6 */
        orr     r0, r0, #(1 << 6)
        mcr     p15, 0, r0, c1, c0, 1
        isb
        mrc     p15, 0, r4, c0, c0, 5
        and     r4, r4, #0xff
        ldr     r0, =core_stacks
        ldr     r1, =CORE_STACK_SIZE
        mla     r0, r4, r1, r0
        mov     sp, r0
        ldr     r1, =core_entry
        ldr     r1, [r1, r4, lsl #2]
        mov     r0, r4
        blx     r1
#ifdef PARK_RELEASE
        mov     r0, r4
        b       secondary_park
#else
        b       __unikernel_halt
#endif
        .ltorg

#ifdef PARK_RELEASE
/* Where a core whose entry returned waits (the netboot program's hashing core, before the jump
 * to a kernel): its slot of the park table (PARK_RELEASE, one word per core, at one address for
 * every program of the board, given by the tool) marked PARK_MARK, then WFI until an SGI, and
 * away to whatever address the slot then holds, the slot cleared first. The kernel's
 * PowerOnCore releases a parked core so: QEMU's CPUCFG model starts a core only once (its
 * arm_set_cpu_on refuses a core that is on), so a reset cannot start it again there. This core's
 * bank of the GIC is set as qemu-virt's pen sets it (GICv2, IHI 0048B): SGI 0 enabled, every
 * priority let through, group 0 on; each wake-up acknowledged. Linux's spin-table is the idea
 * (Documentation/arch/arm64/booting.rst, cpu-release-addr). */
secondary_park:                         /* r0 = core number */
        cpsid   aif
        ldr     r1, =PARK_GICD
        mov     r2, #1
        str     r2, [r1, #0x100]
        ldr     r1, =PARK_GICC
        mov     r2, #0xff
        str     r2, [r1, #0x004]
        mov     r2, #1
        str     r2, [r1, #0x000]
        ldr     r3, =PARK_RELEASE
        ldr     r5, =PARK_MARK
        str     r5, [r3, r0, lsl #2]
        dsb
1:      wfi
        ldr     r2, [r1, #0x00C]
        ubfx    r4, r2, #0, #10
        cmp     r4, #1020               /* 1020-1023: nothing to end */
        bhs     2f
        str     r2, [r1, #0x010]
2:      dmb
        ldr     r2, [r3, r0, lsl #2]
        cmp     r2, r5
        beq     1b
        cmp     r2, #0
        beq     1b
        mov     r4, #0
        str     r4, [r3, r0, lsl #2]
        dsb
        bx      r2
        .ltorg

/* The park table's address and mark, for the board's PowerOnCore. */
        .global __unikernel_park_table
        .type   __unikernel_park_table, %function
__unikernel_park_table:
        ldr     r0, =PARK_RELEASE
        bx      lr
        .ltorg
#endif

/* MMU on for a started core, with what core 0 gave __unikernel_mmu_enable (r0 = TTBR0, r1 = DACR,
 * r2 = TTBCR: src/Platform/Cpu/TranslationRegisters.cs). Not core 0's set/way loop over every
 * level: the L2 is shared and core 0 runs with it. Only this core's own L1 data cache is
 * invalidated by set/way (DCISW at level 1: off since reset, nothing in it is dirty; Linux's
 * v7_invalidate_l1). ACTLR.SMP was set by the secondary start, so with the same tables (normal
 * memory shareable, write-back) this core's cache takes part in coherency with core 0's (ARMv7
 * ARM A3.5.6 "Memory types and attributes": shareable normal memory is coherent for every
 * observer in the domain; Cortex-A7 MPCore TRM 7.1, the SCU). Then TLBs, I-cache, branch
 * predictor, and SCTLR's M, C, I and Z as core 0 set them. */
        .global __unikernel_mmu_enable_secondary
        .type   __unikernel_mmu_enable_secondary, %function
__unikernel_mmu_enable_secondary:
        push    {r4-r8, lr}
        mov     r6, r0
        mov     r7, r1
        mov     r8, r2
        mov     r0, #0
        mcr     p15, 2, r0, c0, c0, 0   /* CSSELR: level 1, data */
        isb
        mrc     p15, 1, r1, c0, c0, 0   /* CCSIDR */
        and     r2, r1, #7
        add     r2, r2, #4              /* the set shift */
        ubfx    r4, r1, #3, #10         /* ways - 1 */
        clz     r5, r4                  /* the way shift */
        ubfx    r3, r1, #13, #15        /* sets - 1 */
1:      mov     r0, r4
2:      lsl     r12, r0, r5
        orr     r12, r12, r3, lsl r2
        mcr     p15, 0, r12, c7, c6, 2  /* DCISW */
        subs    r0, r0, #1
        bge     2b
        subs    r3, r3, #1
        bge     1b
        dsb
        mcr     p15, 0, r8, c2, c0, 2   /* TTBCR */
        mcr     p15, 0, r6, c2, c0, 0   /* TTBR0 */
        mcr     p15, 0, r7, c3, c0, 0   /* DACR */
        mov     r0, #0
        mcr     p15, 0, r0, c8, c7, 0   /* TLBIALL */
        mcr     p15, 0, r0, c7, c5, 0   /* ICIALLU */
        mcr     p15, 0, r0, c7, c5, 6   /* BPIALL */
        dsb
        isb
        mrc     p15, 0, r0, c1, c0, 0
        bic     r0, r0, #(3 << 28)      /* TRE = 0, AFE = 0, as on core 0 */
        orr     r0, r0, #(1 << 0)       /* M */
        orr     r0, r0, #(1 << 2)       /* C */
        orr     r0, r0, #(1 << 11)      /* Z */
        orr     r0, r0, #(1 << 12)      /* I */
        mcr     p15, 0, r0, c1, c0, 0
        isb
        pop     {r4-r8, pc}

        .section .bss.unikernel_secondary, "aw", %nobits
        .balign 4
core_entry:                             /* what core n calls, by core number */
        .space  4 * (SECONDARY_CORES + 1)

        .section .bss.unikernel_core_stacks, "aw", %nobits
        .balign 16
core_stacks:
        .space  CORE_STACK_SIZE * SECONDARY_CORES

        .section .rodata.layout, "a"
        .balign 4
/* Unikernel.ImageLayout: ten words, in the order of the C# struct. */
__image_layout:
        .word   __image_start, __image_end, __heap_start, __heap_end
        .word   __stack_bottom, __stack_top, __build_id_start, __build_id_end
        .word   __modules_start, __modules_end
        .word   __ram_start, __ram_end

        .section .data.irq_entry, "aw"
        .balign 4
irq_entry:                              /* where the IRQ vector goes: see vector_irq_through_pointer */
        .word   vector_irq_unexpected

        .section .data.cookie, "aw"
        .balign 4
/* Stack-buffer overrun cookie ilc's code checks in functions with stack buffers. */
        .global __security_cookie
__security_cookie:
        .word   0x2B992DDF

        .section .bss.irq_handler, "aw", %nobits
        .balign 4
irq_handler:                            /* the program's IRQ handler (Unikernel.Interrupts.SetHandler) */
        .space  4

        .section .bss.exception_stack, "aw", %nobits
        .balign 8
        .space  512
__exception_stack_top:

#ifdef MONITOR_GICD
#include "monitor-armv7.inc"
#endif
