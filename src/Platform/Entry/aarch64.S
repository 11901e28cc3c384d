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
#ifdef PEN_GICC
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        cbnz    x0, secondary_pen
#endif
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

#ifdef PEN_GICC
/* qemu-virt with -bios: every core starts here at once (refs/qemu-h3.md 7), and QEMU offers no
 * PSCI to firmware at EL3. Cores 1-3 wait in this pen, in WFI (QEMU's WFE does not sleep, it
 * spins), until their slot of the release table holds an address and a GIC SGI wakes them
 * (qemu-virt's PowerOnCore). Their own bank of the GIC is theirs to set (GICv2, IHI 0048B): SGI 0
 * enabled (GICD_ISENABLER0, 0x100), every priority let through (GICC_PMR, 0x004), group 0 on
 * (GICC_CTLR, 0x000); each wake-up acknowledged (GICC_IAR 0x00C, GICC_EOIR 0x010). Bases from
 * the SoC file through the tool.
 * The release table (PEN_RELEASE, one word per core, at a fixed address the tool gives every
 * program of the board) is Linux's spin-table idea (Documentation/arch/arm64/booting.rst,
 * cpu-release-addr): a core leaves to whatever address it holds, so a kernel the bootloader
 * started releases the cores still in the bootloader's pen into its own secondary start. The pen
 * clears the slot as it leaves, and a core whose entry returns comes back here (MMU off, or on
 * with coherent caches: the table is read from memory either way), so the next program can
 * start it again. */
secondary_pen:                          /* x0 = core number */
        msr     daifset, #0xF
        ldr     x1, =PEN_GICD
        mov     w2, #1
        str     w2, [x1, #0x100]
        ldr     x1, =PEN_GICC
        mov     w2, #0xff
        str     w2, [x1, #0x004]
        mov     w2, #1
        str     w2, [x1, #0x000]
        ldr     x3, =PEN_RELEASE
1:      wfi
        ldr     w2, [x1, #0x00C]
        and     w4, w2, #0x3ff
        cmp     w4, #1020               /* 1020-1023: nothing to end */
        b.hs    2f
        str     w2, [x1, #0x010]
2:      dmb     ish
        ldr     x2, [x3, x0, lsl #3]
        cbz     x2, 1b
        str     xzr, [x3, x0, lsl #3]
        dsb     sy
        br      x2
        .ltorg

/* The release table's address, for the board's PowerOnCore. */
        .global __unikernel_pen_release_table
        .type   __unikernel_pen_release_table, %function
__unikernel_pen_release_table:
        ldr     x0, =PEN_RELEASE
        ret
        .ltorg
#endif

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

/* SHA-256 with the ARMv8 Cryptographic Extension, where the CPU has it (sections of their own). */
#include "sha256-armv8.inc"

/* A full barrier between normal-memory accesses: earlier loads and stores are seen before later
 * ones, a store before a later load included, which ldar/stlr alone do not order under QEMU's
 * TCG (a shared ring's index store, then the peer's flag load: virtio spec 1.1 2.6.13.6). */
        .global __unikernel_memory_barrier
        .type   __unikernel_memory_barrier, %function
__unikernel_memory_barrier:
        dmb     ish
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

        .global __unikernel_set_irq_handler
        .type   __unikernel_set_irq_handler, %function
__unikernel_set_irq_handler:            /* x0 = what the IRQ vector calls */
        ldr     x1, =irq_handler
        str     x0, [x1]
        ret

/* IRQ mask (PSTATE.I). At EL3 a physical IRQ is taken only with SCR_EL3.IRQ set (ARMv8 ARM,
 * "Asynchronous exception routing"): enabling sets it, so IRQs come to EL3's vectors. */
        .global __unikernel_interrupts_enable
        .type   __unikernel_interrupts_enable, %function
__unikernel_interrupts_enable:
        mrs     x0, scr_el3
        orr     x0, x0, #(1 << 1)
        msr     scr_el3, x0
        isb
        msr     daifclr, #2
        isb                             /* a pending IRQ is taken here, before the caller goes on */
        ret

        .global __unikernel_interrupts_disable
        .type   __unikernel_interrupts_disable, %function
__unikernel_interrupts_disable:
        msr     daifset, #2
        ret

        .global __unikernel_interrupts_enabled
        .type   __unikernel_interrupts_enabled, %function
__unikernel_interrupts_enabled:         /* 1 when PSTATE.I is clear */
        mrs     x0, daif
        ubfx    x0, x0, #7, #1
        eor     x0, x0, #1
        ret

/* WFI (ARMv8 ARM, "Wait for Interrupt"): sleeps until an interrupt is pending, and wakes for it
 * even with PSTATE.I set, so a caller can mask IRQs, look for work, sleep, then unmask to take
 * what woke it. DSB first: earlier writes complete before the core stops. */
        .global __unikernel_wait_for_interrupt
        .type   __unikernel_wait_for_interrupt, %function
__unikernel_wait_for_interrupt:
        dsb     sy
        wfi
        ret

/* The secure physical timer, EL3's own (ARMv8 ARM, CNTPS_CTL_EL1): CNTPS_CVAL_EL1, CNTPS_CTL_EL1. */
        .global __unikernel_timer_set_compare
        .type   __unikernel_timer_set_compare, %function
__unikernel_timer_set_compare:          /* x0 = the counter value to fire at */
        msr     cntps_cval_el1, x0
        isb
        ret

        .global __unikernel_timer_set_control
        .type   __unikernel_timer_set_control, %function
__unikernel_timer_set_control:          /* w0 = CNTPS_CTL: ENABLE bit 0, IMASK bit 1 */
        msr     cntps_ctl_el1, x0
        isb
        ret

/* Cache maintenance (ARMv8 ARM, "Data and unified caches", DC). Lines by VA to the point of coherency over
 * [x0, x1), x0 aligned to the line size x2 by the caller; then DSB so the DMA sees it. */
        .global __unikernel_dcache_line_size
        .type   __unikernel_dcache_line_size, %function
__unikernel_dcache_line_size:           /* CTR_EL0.DminLine: log2 of the smallest line in words */
        mrs     x0, ctr_el0
        ubfx    x0, x0, #16, #4
        mov     x1, #4
        lsl     x0, x1, x0
        ret

        .macro  DCACHE_LINES name, op
        .global \name
        .type   \name, %function
\name:
        dsb     sy
1:      dc      \op, x0
        add     x0, x0, x2
        cmp     x0, x1
        b.lo    1b
        dsb     sy
        ret
        .endm
        DCACHE_LINES __unikernel_dcache_clean_lines, cvac
        DCACHE_LINES __unikernel_dcache_invalidate_lines, ivac
        DCACHE_LINES __unikernel_dcache_clean_invalidate_lines, civac

        .global __unikernel_icache_invalidate
        .type   __unikernel_icache_invalidate, %function
__unikernel_icache_invalidate:
        ic      iallu
        dsb     sy
        isb
        ret

/* Clean and invalidate every data cache level up to the level of coherency, by set/way (the
 * architecture's loop over CLIDR_EL1 and CCSIDR_EL1, ARMv8 ARM DC CISW). Uses x0-x11 and no memory. */
        .macro  DCACHE_ALL_CLEAN_INVALIDATE
        mrs     x0, clidr_el1
        ubfx    x3, x0, #24, #3         /* LoC */
        lsl     x3, x3, #1              /* LoC * 2, the CSSELR form of a level */
        mov     x10, #0                 /* level * 2 */
1:      cmp     x10, x3
        b.hs    5f
        add     x2, x10, x10, lsr #1    /* level * 3: that level's Ctype in CLIDR */
        lsr     x1, x0, x2
        and     x1, x1, #7
        cmp     x1, #2                  /* 2 and up: there is a data cache at this level */
        b.lo    4f
        msr     csselr_el1, x10
        isb
        mrs     x1, ccsidr_el1
        and     x2, x1, #7
        add     x2, x2, #4              /* log2 of the line length in bytes: the set shift */
        ubfx    x4, x1, #3, #10         /* ways - 1 */
        clz     w5, w4                  /* the way shift */
        ubfx    x7, x1, #13, #15        /* sets - 1 */
2:      mov     x9, x4
3:      lsl     x6, x9, x5
        orr     x11, x10, x6
        lsl     x6, x7, x2
        orr     x11, x11, x6
        dc      cisw, x11
        subs    x9, x9, #1
        b.ge    3b
        subs    x7, x7, #1
        b.ge    2b
4:      add     x10, x10, #2
        b       1b
5:      msr     csselr_el1, xzr
        dsb     sy
        isb
        .endm

        .global __unikernel_dcache_clean_invalidate_all
        .type   __unikernel_dcache_clean_invalidate_all, %function
__unikernel_dcache_clean_invalidate_all:
        DCACHE_ALL_CLEAN_INVALIDATE
        ret

/* MMU on at EL3 (ARMv8 ARM, "The VMSAv8-64 address translation system", SCTLR_EL3): x0 = TTBR0_EL3, x1 = MAIR_EL3,
 * x2 = TCR_EL3. The caches were off: the set/way clean-invalidate only drops what reset may
 * have left. Then the EL3 TLBs and the I-cache, then M, C and I. */
        .global __unikernel_mmu_enable
        .type   __unikernel_mmu_enable, %function
__unikernel_mmu_enable:
        mov     x12, x0
        mov     x13, x1
        mov     x14, x2
        mrs     x0, s3_1_c15_c2_1       /* CPUECTLR_EL1.SMPEN, bit 6: coherent before caches (Cortex-A53 TRM 4.5.71) */
        orr     x0, x0, #(1 << 6)
        msr     s3_1_c15_c2_1, x0
        isb
        DCACHE_ALL_CLEAN_INVALIDATE
        msr     mair_el3, x13
        msr     tcr_el3, x14
        msr     ttbr0_el3, x12
        isb
        tlbi    alle3
        ic      iallu
        dsb     sy
        isb
        mrs     x0, sctlr_el3
        orr     x0, x0, #(1 << 0)       /* M */
        orr     x0, x0, #(1 << 2)       /* C */
        orr     x0, x0, #(1 << 12)      /* I */
        msr     sctlr_el3, x0
        isb
        ret

/* MMU and caches off, for a jump to a loaded kernel (Linux Documentation/arch/arm64/booting.rst:
 * MMU off, D-cache off, the image cleaned to the PoC). C goes off first so nothing new is
 * allocated, then the set/way loop writes every dirty line back (it touches no memory), then
 * M and I, then the I-cache and the EL3 TLBs are emptied. */
        .global __unikernel_mmu_disable
        .type   __unikernel_mmu_disable, %function
__unikernel_mmu_disable:
        mrs     x0, sctlr_el3
        bic     x0, x0, #(1 << 2)
        msr     sctlr_el3, x0
        isb
        DCACHE_ALL_CLEAN_INVALIDATE
        mrs     x0, sctlr_el3
        bic     x0, x0, #(1 << 0)
        bic     x0, x0, #(1 << 12)
        msr     sctlr_el3, x0
        isb
        ic      iallu
        tlbi    alle3
        dsb     sy
        isb
        ret

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
__unikernel_panic:                      /* x0, x1 = the reason (a ReadOnlySpan<byte>: pointer, length) */
        sub     x2, x30, #4
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

/* IRQ: saves what AAPCS64 lets a callee clobber (x0-x18, x30, and all of q0-q31: a callee keeps
 * only the low halves of v8-v15), FPCR/FPSR, ELR/SPSR, on the interrupted code's stack, 16-byte
 * aligned; calls the program's handler; restores and returns. */
irq_entry:
        sub     sp, sp, #(12 * 16 + 32 * 16)
        stp     x0, x1, [sp, #(0 * 16)]
        stp     x2, x3, [sp, #(1 * 16)]
        stp     x4, x5, [sp, #(2 * 16)]
        stp     x6, x7, [sp, #(3 * 16)]
        stp     x8, x9, [sp, #(4 * 16)]
        stp     x10, x11, [sp, #(5 * 16)]
        stp     x12, x13, [sp, #(6 * 16)]
        stp     x14, x15, [sp, #(7 * 16)]
        stp     x16, x17, [sp, #(8 * 16)]
        stp     x18, x30, [sp, #(9 * 16)]
        mrs     x0, elr_el3
        mrs     x1, spsr_el3
        stp     x0, x1, [sp, #(10 * 16)]
        mrs     x0, fpcr
        mrs     x1, fpsr
        stp     x0, x1, [sp, #(11 * 16)]
        add     x0, sp, #(12 * 16)
        stp     q0, q1, [x0], #32
        stp     q2, q3, [x0], #32
        stp     q4, q5, [x0], #32
        stp     q6, q7, [x0], #32
        stp     q8, q9, [x0], #32
        stp     q10, q11, [x0], #32
        stp     q12, q13, [x0], #32
        stp     q14, q15, [x0], #32
        stp     q16, q17, [x0], #32
        stp     q18, q19, [x0], #32
        stp     q20, q21, [x0], #32
        stp     q22, q23, [x0], #32
        stp     q24, q25, [x0], #32
        stp     q26, q27, [x0], #32
        stp     q28, q29, [x0], #32
        stp     q30, q31, [x0], #32
        ldr     x0, =irq_handler
        ldr     x0, [x0]
        blr     x0
        add     x0, sp, #(12 * 16)
        ldp     q0, q1, [x0], #32
        ldp     q2, q3, [x0], #32
        ldp     q4, q5, [x0], #32
        ldp     q6, q7, [x0], #32
        ldp     q8, q9, [x0], #32
        ldp     q10, q11, [x0], #32
        ldp     q12, q13, [x0], #32
        ldp     q14, q15, [x0], #32
        ldp     q16, q17, [x0], #32
        ldp     q18, q19, [x0], #32
        ldp     q20, q21, [x0], #32
        ldp     q22, q23, [x0], #32
        ldp     q24, q25, [x0], #32
        ldp     q26, q27, [x0], #32
        ldp     q28, q29, [x0], #32
        ldp     q30, q31, [x0], #32
        ldp     x0, x1, [sp, #(11 * 16)]
        msr     fpcr, x0
        msr     fpsr, x1
        ldp     x0, x1, [sp, #(10 * 16)]
        msr     elr_el3, x0
        msr     spsr_el3, x1
        ldp     x0, x1, [sp, #(0 * 16)]
        ldp     x2, x3, [sp, #(1 * 16)]
        ldp     x4, x5, [sp, #(2 * 16)]
        ldp     x6, x7, [sp, #(3 * 16)]
        ldp     x8, x9, [sp, #(4 * 16)]
        ldp     x10, x11, [sp, #(5 * 16)]
        ldp     x12, x13, [sp, #(6 * 16)]
        ldp     x14, x15, [sp, #(7 * 16)]
        ldp     x16, x17, [sp, #(8 * 16)]
        ldp     x18, x30, [sp, #(9 * 16)]
        add     sp, sp, #(12 * 16 + 32 * 16)
        eret

report_exception:
        ldr     x1, =__exception_stack_top
        mov     sp, x1
        mrs     x1, esr_el3
        mrs     x2, elr_el3
        mrs     x3, far_el3
        bl      __unikernel_exception
        b       __unikernel_halt
        .ltorg

/* The vector table comes last, so the compiled C# (placed next by the linker, 32-byte
 * aligned) starts inside the table's last entry, after its branch: an entry uses 8 of its
 * 128 bytes, and the first stage of pine64-plus counts bytes. The entry code still ends in
 * an instruction, not a literal pool, so disassemblers take what follows for code. */
/* Exceptions: the EL3 vector table, 2 KiB aligned, sixteen 128-byte entries in four groups
 * (current EL with SP0, current EL with SPx, lower EL AArch64, lower EL AArch32), each
 * group synchronous, IRQ, FIQ, SError. An IRQ at EL3 on SP_EL3 (we run on SPx) goes to the
 * program's handler; every other one is unexpected: report and halt. */
        .macro  vector kind
        .balign 0x80
        mov     x0, #\kind
        b       report_exception
        .endm

        .balign 0x800
        .global __vectors
__vectors:
        vector  0                       /* current EL, SP0 */
        vector  1
        vector  2
        vector  3
        vector  0                       /* current EL, SPx */
        .balign 0x80
        b       irq_entry
        vector  2
        vector  3
        .rept   2                       /* lower EL, AArch64 and AArch32 */
        vector  0
        vector  1
        vector  2
        vector  3
        .endr
        .global __entry_code_end
__entry_code_end:


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
__unikernel_core_index:                 /* MPIDR_EL1.Aff0: one cluster of four on the A64 and on virt -smp 4 */
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        ret

        .section .text.unikernel_mpidr, "ax"
        .global __unikernel_mpidr
        .type   __unikernel_mpidr, %function
__unikernel_mpidr:
        mrs     x0, mpidr_el1
        ret

/* Atomics over a 32-bit word with exclusives (ARMv8 ARM B2.9, LDAXR/STLXR: ARMv8.0 has no LSE,
 * and the Cortex-A53 is ARMv8.0). Acquire-load and release-store plus a trailing DMB ISH make
 * each a full barrier, as Linux's ARMv8.0 atomic_*_return. */
        .section .text.unikernel_atomic_compare_exchange, "ax"
        .global __unikernel_atomic_compare_exchange
        .type   __unikernel_atomic_compare_exchange, %function
__unikernel_atomic_compare_exchange:    /* x0 = address, w1 = value, w2 = comparand; returns the old value */
1:      ldaxr   w3, [x0]
        cmp     w3, w2
        b.ne    2f
        stlxr   w4, w1, [x0]
        cbnz    w4, 1b
2:      clrex
        dmb     ish
        mov     w0, w3
        ret

        .section .text.unikernel_atomic_exchange, "ax"
        .global __unikernel_atomic_exchange
        .type   __unikernel_atomic_exchange, %function
__unikernel_atomic_exchange:            /* x0 = address, w1 = value; returns the old value */
1:      ldaxr   w2, [x0]
        stlxr   w3, w1, [x0]
        cbnz    w3, 1b
        dmb     ish
        mov     w0, w2
        ret

        .section .text.unikernel_atomic_add, "ax"
        .global __unikernel_atomic_add
        .type   __unikernel_atomic_add, %function
__unikernel_atomic_add:                 /* x0 = address, w1 = addend; returns the new value */
1:      ldaxr   w2, [x0]
        add     w2, w2, w1
        stlxr   w3, w2, [x0]
        cbnz    w3, 1b
        dmb     ish
        mov     w0, w2
        ret

/* A secondary core's start. __unikernel_core_prepare records what core n calls and returns where
 * the core must start: the A64's per-core RVBAR, or the pen's exit on qemu-virt. The core is
 * at EL3 with the MMU and caches off: the same CPU set-up as `_start`, CPUECTLR_EL1.SMPEN before
 * any cache comes on (Cortex-A53 TRM 4.5.71), then its own stack (core n's is the n-th
 * CORE_STACK_SIZE of core_stacks, from its base) and the call. A returning entry halts the core
 * (on qemu-virt it goes back to the pen). */
        .section .text.unikernel_secondary, "ax"
        .global __unikernel_core_prepare
        .type   __unikernel_core_prepare, %function
__unikernel_core_prepare:               /* x0 = core, x1 = entry(core); returns the reset address */
        ldr     x2, =core_entry
        str     x1, [x2, x0, lsl #3]
        dsb     sy
        ldr     x0, =__unikernel_secondary_start
        ret

        .global __unikernel_secondary_start
        .type   __unikernel_secondary_start, %function
__unikernel_secondary_start:
        msr     daifset, #0xF
        mrs     x0, cptr_el3
        bic     x0, x0, #(1 << 10)
        msr     cptr_el3, x0
        mov     x0, #(3 << 20)
        msr     cpacr_el1, x0
        mrs     x0, sctlr_el3
        bic     x0, x0, #(1 << 1)
        msr     sctlr_el3, x0
        ldr     x0, =__vectors
        msr     vbar_el3, x0
        mrs     x0, s3_1_c15_c2_1       /* CPUECTLR_EL1.SMPEN, bit 6 */
        orr     x0, x0, #(1 << 6)
        msr     s3_1_c15_c2_1, x0
        isb
        mrs     x19, mpidr_el1
        and     x19, x19, #0xff
        ldr     x0, =core_stacks
        ldr     x1, =CORE_STACK_SIZE
        madd    x0, x19, x1, x0
        mov     sp, x0
        ldr     x1, =core_entry
        ldr     x1, [x1, x19, lsl #3]
        mov     x0, x19
        blr     x1
#ifdef PEN_GICC
        mov     x0, x19                 /* back to the pen: a later program may start the core again */
        b       secondary_pen
#else
        b       __unikernel_halt
#endif
        .ltorg

/* MMU on at EL3 for a started core, with what core 0 gave __unikernel_mmu_enable (x0 = TTBR0_EL3,
 * x1 = MAIR_EL3, x2 = TCR_EL3: src/Platform/Cpu/TranslationRegisters.cs). Not core 0's set/way
 * loop over every level: the L2 is shared and core 0 runs with it. Only this core's own L1 data
 * cache is invalidated by set/way (DC ISW at level 1: off since reset, nothing in it is dirty).
 * CPUECTLR_EL1.SMPEN was set by the secondary start, so with the same tables (normal memory
 * inner shareable, write-back) this core's cache is coherent with core 0's (ARMv8 ARM B2.7.1
 * "Normal memory", shareability; Cortex-A53 TRM 7.1, the SCU). Then the EL3 TLBs, the I-cache,
 * and SCTLR_EL3's M, C and I. */
        .global __unikernel_mmu_enable_secondary
        .type   __unikernel_mmu_enable_secondary, %function
__unikernel_mmu_enable_secondary:
        mov     x12, x0
        mov     x13, x1
        mov     x14, x2
        msr     csselr_el1, xzr         /* level 1, data */
        isb
        mrs     x1, ccsidr_el1
        and     x2, x1, #7
        add     x2, x2, #4              /* the set shift */
        ubfx    x4, x1, #3, #10         /* ways - 1 */
        clz     w5, w4                  /* the way shift */
        ubfx    x7, x1, #13, #15        /* sets - 1 */
1:      mov     x9, x4
2:      lsl     x6, x9, x5
        lsl     x11, x7, x2
        orr     x11, x11, x6
        dc      isw, x11
        subs    x9, x9, #1
        b.ge    2b
        subs    x7, x7, #1
        b.ge    1b
        dsb     sy
        msr     mair_el3, x13
        msr     tcr_el3, x14
        msr     ttbr0_el3, x12
        isb
        tlbi    alle3
        ic      iallu
        dsb     sy
        isb
        mrs     x0, sctlr_el3
        orr     x0, x0, #(1 << 0)       /* M */
        orr     x0, x0, #(1 << 2)       /* C */
        orr     x0, x0, #(1 << 12)      /* I */
        msr     sctlr_el3, x0
        isb
        ret

        .section .bss.unikernel_secondary, "aw", %nobits
        .balign 8
core_entry:                             /* what core n calls, by core number */
        .space  8 * (SECONDARY_CORES + 1)

        .section .bss.unikernel_core_stacks, "aw", %nobits
        .balign 16
core_stacks:
        .space  CORE_STACK_SIZE * SECONDARY_CORES

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

        .section .bss.irq_handler, "aw", %nobits
        .balign 8
irq_handler:                            /* the program's IRQ handler (Unikernel.Interrupts.SetHandler) */
        .space  8

        .section .bss.exception_stack, "aw", %nobits
        .balign 16
        .space  1024
__exception_stack_top:

#ifdef MONITOR_GICD
#include "monitor-aarch64.inc"
#endif
