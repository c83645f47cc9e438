package io.poolscope.benchmarks.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Adds {@code cpu.ns/op}: CPU time of the benchmark's worker threads per operation. On a shared
 * 2-core machine other processes take the core away from the benchmark thread for long stretches,
 * which lowers wall-clock throughput without costing the benchmark any CPU time; CPU time per
 * operation is much less sensitive to that (caches still are), so it is the steadier figure of the
 * two. Hardware counters (perf) are not available here, or perfnorm would be used instead.
 *
 * <p>Work the agents do on their own threads (export) is not in this figure; it is in the
 * wall-clock one, as far as it competes for the core.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

  /** Label of the worker-thread result. */
  public static final String LABEL = "cpu.ns/op";

  /**
   * Label of the whole-process result: every thread of the fork (agents' exporters, GC, JIT), so
   * work an agent moves off the application thread is not hidden from the comparison.
   */
  public static final String PROCESS_LABEL = "process.cpu.ns/op";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private Map<Long, Long> before = Map.of();
  private long processBefore;

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads per operation (ThreadMXBean)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = workerCpu();
    processBefore = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long process = os.getProcessCpuTime() - processBefore;
    Map<Long, Long> after = workerCpu();
    long cpu = 0;
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      // A worker that started during the iteration counts from zero.
      cpu += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    // All operations the workers ran in the iteration, including JMH's synchronisation phases,
    // because the CPU time covers those too.
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0 || cpu <= 0) {
      return List.of();
    }
    return List.of(
        new ScalarResult(LABEL, (double) cpu / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult(PROCESS_LABEL, (double) process / ops, "ns/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> workerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("jmh-worker")) {
        long ns = threads.getThreadCpuTime(t.getId());
        if (ns >= 0) {
          cpu.put(t.getId(), ns);
        }
      }
    }
    return cpu;
  }
}
