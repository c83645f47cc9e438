package io.poolscope.benchmarks.internal.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapSamplerTest {

  @Test
  void readsG1HeapInUse() {
    String g1 =
        "12345:\n"
            + " garbage-first heap   total 262144K, used 20480K [0x00000000f0000000, 0x0000000100000000)\n"
            + "  region size 1024K, 12 young (12288K), 0 survivors (0K)\n"
            + " Metaspace       used 6000K, committed 6200K, reserved 1056768K\n"
            + "  class space    used 600K, committed 700K, reserved 1048576K\n";
    assertThat(HeapSampler.heapUsedBytes(g1)).isEqualTo(20480L * 1024);
  }

  @Test
  void sumsParallelGenerations() {
    String parallel =
        "1:\n"
            + " PSYoungGen      total 76288K, used 3932K [0x1, 0x2, 0x3)\n"
            + "  eden space 65536K, 6% used [0x1,0x2,0x3)\n"
            + "  from space 10752K, 0% used [0x1,0x2,0x3)\n"
            + " ParOldGen       total 175104K, used 1000K [0x1, 0x2, 0x3)\n"
            + "  object space 175104K, 0% used [0x1,0x2,0x3)\n"
            + " Metaspace       used 6000K, committed 6200K, reserved 1056768K\n";
    assertThat(HeapSampler.heapUsedBytes(parallel)).isEqualTo((3932L + 1000L) * 1024);
  }
}
