package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuInfoTest {
  private static final String AVX2_ONLY =
      "processor\t: 0\nmodel name\t: AMD EPYC 7B12\n"
          + "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2\n\n"
          + "processor\t: 1\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu avx avx2\n";
  private static final String AVX512_BF16 =
      "model name\t: AMD EPYC 9B14\nflags\t\t: sse4_1 avx fma avx2 avx512f avx512dq avx512bw"
          + " avx512vl avx512_vnni avx512_bf16 avx512vbmi\n";
  private static final String AMX =
      "model name\t: Intel(R) Xeon(R) Platinum 8488C\nflags\t\t: sse4_1 avx fma avx2 avx_vnni"
          + " avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 avx512_fp16 amx_bf16"
          + " amx_tile amx_int8\n";

  @Test
  void theDispatchIsTheHighestIsaWhoseFlagsAreAllPresent() {
    CpuInfo avx2 = CpuInfo.parse(AVX2_ONLY, 2, null);
    assertEquals("AMD EPYC 7B12", avx2.model());
    assertEquals(List.of("AVX2", "FMA"), avx2.extensions());
    assertEquals("AVX2", avx2.onednnIsa());
    assertNull(avx2.onednnCap());
    assertEquals("AMD EPYC 7B12, 2 processors; AVX2 FMA; oneDNN dispatch AVX2", avx2.describe());

    assertEquals("AVX512_CORE_BF16", CpuInfo.parse(AVX512_BF16, 2, null).onednnIsa());
    CpuInfo amx = CpuInfo.parse(AMX, 4, "");
    assertEquals("AVX512_CORE_AMX", amx.onednnIsa());
    assertEquals(
        List.of(
            "AVX2",
            "FMA",
            "AVX-VNNI",
            "AVX-512F",
            "AVX-512-VNNI",
            "AVX-512-BF16",
            "AVX-512-FP16",
            "AMX-TILE",
            "AMX-BF16",
            "AMX-INT8"),
        amx.extensions());
  }

  @Test
  void onednnMaxCpuIsaCapsTheDispatchButNeverRaisesIt() {
    CpuInfo capped = CpuInfo.parse(AMX, 2, "avx2");
    assertEquals("AVX2", capped.onednnIsa());
    assertTrue(
        capped.describe().endsWith("(capped by ONEDNN_MAX_CPU_ISA=AVX2)"), capped.describe());
    assertEquals("AVX512_CORE", CpuInfo.parse(AVX512_BF16, 2, "AVX512_CORE").onednnIsa());
    assertEquals("AVX2", CpuInfo.parse(AVX2_ONLY, 2, "AVX512_CORE_AMX").onednnIsa());
    // A value oneDNN does not know leaves it uncapped.
    assertEquals("AVX512_CORE_BF16", CpuInfo.parse(AVX512_BF16, 2, "FASTEST").onednnIsa());
  }

  @Test
  void anUnreadableCpuinfoSaysUnknown() {
    CpuInfo none = CpuInfo.parse("", 1, null);
    assertTrue(none.model().startsWith("unknown"), none.model());
    assertEquals("unknown", none.onednnIsa());
    assertEquals(List.of(), none.extensions());
  }
}
