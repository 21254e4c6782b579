// SPDX-License-Identifier: MIT
/*
 * The NT_PRSTATUS table (src/elf/prstatus.c) against facts written down
 * independently of it: ELF_NGREG and sizeof(struct elf_prstatus) per
 * architecture, named register slots from the kernel headers, the host's
 * own <sys/procfs.h> on x86_64, and decode(encode(x)) == x.
 */
#include <stddef.h>

#include "unit.h"
#include "vmcorekit/fadump.h"
#include "vmcorekit/prstatus.h"

#if defined(__x86_64__) && defined(__linux__)
#include <sys/procfs.h>
#include <sys/user.h>
#endif

struct fact {
	uint16_t machine;
	enum vmc_class cls;
	unsigned ngreg;		/* ELF_NGREG (elf_greg_t units) */
	unsigned greg;		/* sizeof(elf_greg_t) */
	unsigned size;		/* sizeof(struct elf_prstatus) */
	unsigned reg_off;	/* offsetof(struct elf_prstatus, pr_reg) */
	unsigned nr_names;
	/* A few named slots: index, name. */
	struct { unsigned i; const char *name; } slot[6];
	const char *ip, *sp;
};

static const struct fact facts[] = {
	/* arch/x86/include/asm/elf.h ELF_NGREG = sizeof(user_regs_struct)/8;
	 * asm/user_64.h: ip is field 16, sp 19, gs the last. */
	{ VMC_EM_X86_64, VMC_CLASS_64, 27, 8, 336, 112, 27,
	  { { 0, "r15" }, { 15, "orig_rax" }, { 16, "rip" }, { 19, "rsp" },
	    { 21, "fs_base" }, { 26, "gs" } }, "rip", "rsp" },
	/* arch/arm64/include/uapi/asm/ptrace.h user_pt_regs: regs[31], sp,
	 * pc, pstate. */
	{ VMC_EM_AARCH64, VMC_CLASS_64, 34, 8, 392, 112, 34,
	  { { 0, "x0" }, { 30, "x30" }, { 31, "sp" }, { 32, "pc" },
	    { 33, "pstate" }, { 29, "x29" } }, "pc", "sp" },
	/* arch/powerpc/include/uapi/asm/elf.h ELF_NGREG 48; uapi/asm/ptrace.h
	 * PT_NIP 32, PT_SOFTE 39, PT_RESULT 43; asm/ptrace.h struct pt_regs
	 * then ppr, exit_result, kuap/amr, iamr. */
	{ VMC_EM_PPC64, VMC_CLASS_64, 48, 8, 504, 112, 48,
	  { { 32, "nip" }, { 39, "softe" }, { 43, "result" }, { 44, "ppr" },
	    { 45, "exit_result" }, { 47, "iamr" } }, "nip", "r1" },
	/* arch/s390/include/uapi/asm/ptrace.h s390_regs: 216 bytes = 27
	 * longs; psw, gprs[16], acrs[16] (4 bytes each), orig_gpr2. */
	{ VMC_EM_S390, VMC_CLASS_64, 27, 8, 336, 112, 35,
	  { { 0, "psw_mask" }, { 1, "psw_addr" }, { 17, "r15" }, { 18, "a0" },
	    { 33, "a15" }, { 34, "orig_gpr2" } }, "psw_addr", "r15" },
	/* arch/x86/include/asm/user_32.h user_regs_struct: 17 longs. */
	{ VMC_EM_386, VMC_CLASS_32, 17, 4, 144, 72, 17,
	  { { 0, "ebx" }, { 12, "eip" }, { 15, "esp" }, { 16, "ss" },
	    { 11, "orig_eax" }, { 6, "eax" } }, "eip", "esp" },
};

static void test_facts(void)
{
	size_t n;
	const struct vmc_prstatus_layout *all = vmc_prstatus_layouts(&n);

	CHECK_U64(n, sizeof(facts) / sizeof(facts[0]));
	for (size_t k = 0; k < sizeof(facts) / sizeof(facts[0]); k++) {
		const struct fact *f = &facts[k];
		const struct vmc_prstatus_layout *l =
			vmc_prstatus_layout(f->machine, f->cls);
		unsigned sum = 0;

		t_case("layout machine %u", f->machine);
		if (!CHECK(l != NULL, "no layout"))
			continue;
		CHECK(l >= all && l < all + n, "layout outside the table");
		CHECK_U64(l->reg_size, f->ngreg * f->greg);
		CHECK_U64(l->size, f->size);
		CHECK_U64(l->reg_off, f->reg_off);
		CHECK_U64(l->word, f->greg);
		CHECK_U64(l->nr_regs, f->nr_names);
		CHECK(l->size <= VMC_PRSTATUS_MAX_SIZE, "size %u", l->size);
		CHECK(l->nr_regs <= VMC_PRSTATUS_MAX_REGS, "nr %u", l->nr_regs);
		for (unsigned i = 0; i < l->nr_regs; i++) {
			sum += l->widths ? l->widths[i] : l->word;
			for (unsigned j = 0; j < i; j++)
				CHECK(strcmp(l->names[i], l->names[j]),
				      "name %s twice", l->names[i]);
		}
		CHECK_U64(sum, l->reg_size);
		/* pr_fpvalid (int) follows pr_reg; the struct pads to long. */
		CHECK_U64(l->size, (l->reg_off + l->reg_size + 4 + l->word - 1) /
				   l->word * l->word);
		for (size_t s = 0; s < 6; s++)
			CHECK_STR(l->names[f->slot[s].i], f->slot[s].name);
		CHECK_STR(l->names[l->ip], f->ip);
		CHECK_STR(l->names[l->sp], f->sp);
	}
	t_case("unknown machine");
	CHECK(vmc_prstatus_layout(VMC_EM_RISCV, VMC_CLASS_64) == NULL, "riscv");
	CHECK(vmc_prstatus_layout(VMC_EM_X86_64, VMC_CLASS_32) == NULL, "x32");

	/* fadump.h sizes its pt_regs arrays for the same 48 longs. */
	t_case("fadump pt_regs");
	CHECK_U64(vmc_prstatus_layout(VMC_EM_PPC64, VMC_CLASS_64)->nr_regs,
		  VMC_FADUMP_NR_REGS);
	CHECK_U64(vmc_prstatus_layout(VMC_EM_PPC64, VMC_CLASS_64)->reg_size,
		  VMC_FADUMP_PT_REGS_SIZE);
	t_case("%s", "");
}

/* The host's own C library on x86_64: an independent statement of the
 * x86_64 row. */
static void test_host(void)
{
#if defined(__x86_64__) && defined(__linux__)
	const struct vmc_prstatus_layout *l =
		vmc_prstatus_layout(VMC_EM_X86_64, VMC_CLASS_64);

	t_case("host <sys/procfs.h>");
	CHECK_U64(l->size, sizeof(struct elf_prstatus));
	CHECK_U64(l->reg_off, offsetof(struct elf_prstatus, pr_reg));
	CHECK_U64(l->pid_off, offsetof(struct elf_prstatus, pr_pid));
	CHECK_U64(l->reg_size, sizeof(elf_gregset_t));
	CHECK_U64(l->ip, offsetof(struct user_regs_struct, rip) / 8);
	CHECK_U64(l->sp, offsetof(struct user_regs_struct, rsp) / 8);
	CHECK_U64(l->nr_regs, sizeof(struct user_regs_struct) / 8);
	t_case("%s", "");
#endif
}

static void test_round_trip(void)
{
	size_t n;
	const struct vmc_prstatus_layout *all = vmc_prstatus_layouts(&n);
	static const enum vmc_order orders[] = { VMC_LE, VMC_BE };
	vmc_error e;

	for (size_t k = 0; k < n; k++) {
		const struct vmc_prstatus_layout *l = &all[k];

		for (size_t o = 0; o < 2; o++) {
			struct vmc_elf_id id = { l->cls, orders[o], l->machine };
			struct vmc_prstatus in = { .signo = 11, .cursig = 6,
						   .pid = 4242, .ppid = 1 };
			struct vmc_prstatus out;
			uint8_t b[VMC_PRSTATUS_MAX_SIZE + 8];

			t_case("round trip %s order %d", l->arch, orders[o]);
			in.nr_regs = l->nr_regs;
			for (unsigned i = 0; i < l->nr_regs; i++) {
				unsigned w = l->widths ? l->widths[i] : l->word;
				uint64_t v = rng_next();

				in.regs[i] = w == 8 ? v : (uint32_t)v;
			}
			memset(b, 0xee, sizeof(b));
			CHECK_ST(vmc_prstatus_encode(l, orders[o], &in, b,
						     sizeof(b), &e), VMC_OK, &e);
			CHECK(b[l->size] == 0xee, "wrote past size");
			CHECK(b[2] == 0 || orders[o] == VMC_BE, "si_code zero");
			CHECK_ST(vmc_prstatus_decode(&id, b, l->size, &out, &e),
				 VMC_OK, &e);
			CHECK_U64(out.signo, 11);
			CHECK_U64(out.cursig, 6);
			CHECK_U64(out.pid, 4242);
			CHECK_U64(out.ppid, 1);
			CHECK_U64(out.nr_regs, l->nr_regs);
			CHECK(out.reg_names == l->names, "names");
			for (unsigned i = 0; i < l->nr_regs; i++)
				CHECK_U64(out.regs[i], in.regs[i]);
			CHECK_U64(out.ip, in.regs[l->ip]);
			CHECK_U64(out.sp, in.regs[l->sp]);
			/* The bytes after pr_reg (pr_fpvalid, pad) stay 0. */
			for (size_t j = l->reg_off + l->reg_size; j < l->size; j++)
				CHECK(b[j] == 0, "byte %zu", j);
			CHECK_ST(vmc_prstatus_encode(l, orders[o], &in, b,
						     l->size - 1, &e),
				 VMC_ERR_INVALID, &e);
		}
	}
	t_case("%s", "");
}

int main(void)
{
	rng_seed("test_prstatus", 0x5052535441545553ull);
	test_facts();
	test_host();
	test_round_trip();
	return t_finish();
}
