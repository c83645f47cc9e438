package io.poolscope.benchmarks;

import io.poolscope.benchmarks.internal.OtlpSink;
import io.poolscope.benchmarks.internal.stats.Summary;
import io.poolscope.benchmarks.jmh.PoolCycleBenchmark;
import io.poolscope.benchmarks.jmh.ThreadCpuProfiler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link PoolCycleBenchmark} once per agent configuration (none, Poolscope, OpenTelemetry, and
 * optionally a Poolscope variant, e.g. disabled) in one invocation, and prints each configuration's
 * throughput as a ratio of no agent's.
 *
 * <p>Forks are interleaved: round r runs one fork of every configuration before round r+1 starts,
 * and the order of configurations rotates per round. On a shared machine the load changes over
 * minutes; interleaving spreads it over all configurations instead of penalising whichever ran
 * while another engineer was compiling. Ratios are also computed per round (paired), and their
 * range is reported as the ratio's spread.
 *
 * <p>Usage: {@code AgentBench [--forks 3] [--warmup 8] [--iterations 5] [--time 1] [--out DIR]
 * [--poolscope-agent JAR] [--poolscope-args k=v,...] [--poolscope-variant NAME:k=v,...]
 * [--poolscope-compare NAME:JAR] [--window on] [--otel-agent JAR] [--pg-url JDBC_URL] [--only
 * REGEX]}. Normally started by {@code benchmarks/run-agent-bench.sh}.
 */
public final class AgentBench {

  private static final String BENCH = PoolCycleBenchmark.class.getName();
  private static final List<String> STUB_BENCHMARKS =
      List.of("hikariCycle", "dbcp2Cycle", "tomcatCycle", "plainPoolCycle");
  // Held past the window configuration's leak threshold in set-up (a leak), so the family's
  // capture window is open for every measured cycle; the scan period is a quarter of it.
  private static final String WINDOW_LEAK_MS = "1500";
  private static final String WINDOW_THRESHOLD = "leakThreshold=250ms";
  private static final String PG_BENCHMARK = "pgLease";
  private static final String BASELINE = "none";

  private AgentBench() {}

  /** One agent configuration: the JVM arguments of its forks and the benchmarks it runs. */
  private record Config(String name, List<String> jvmArgs, List<String> benchmarks) {}

  /** Runs the benchmark; see the class Javadoc for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parseArgs(args);
    int forks = Integer.parseInt(opt.getOrDefault("forks", "3"));
    // 8: the OpenTelemetry agent needs about 7 one-second iterations to reach steady state here.
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "8"));
    int iterations = Integer.parseInt(opt.getOrDefault("iterations", "5"));
    int seconds = Integer.parseInt(opt.getOrDefault("time", "1"));
    Path out = Path.of(opt.getOrDefault("out", "benchmarks/target/agent-bench"));
    Files.createDirectories(out);
    String pgUrl = opt.get("pg-url");
    String only = opt.get("only");

    try (OtlpSink sink = new OtlpSink()) {
      List<String> common = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
      common.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
      List<String> all = new ArrayList<>(STUB_BENCHMARKS);
      if (pgUrl != null) {
        common.add("-D" + PoolCycleBenchmark.PG_URL_PROPERTY + "=" + pgUrl);
        all.add(PG_BENCHMARK);
      } else {
        System.out.println("SKIP pgLease: no --pg-url (embedded PostgreSQL did not start)");
      }
      if (only != null) {
        all.removeIf(b -> !b.matches(only));
      }

      List<Config> configs = new ArrayList<>();
      configs.add(new Config(BASELINE, common, all));
      // Forks attach copies: another engineer may rebuild the agent while this runs, and every
      // fork of one run must measure the same agent.
      String poolscopeJar = snapshot(opt.get("poolscope-agent"), out);
      String why = agentProblem(poolscopeJar);
      if (why == null) {
        String agentArgs = "endpoint=" + sink.baseUrl() + "/poolscope,service=bench-poolscope";
        if (opt.containsKey("poolscope-args")) {
          agentArgs += "," + opt.get("poolscope-args");
        }
        configs.add(new Config("poolscope", with(common, javaagent(poolscopeJar, agentArgs)), all));
        if (opt.containsKey("poolscope-compare")) {
          // NAME:JAR - another build of the agent (e.g. the one before a change), same options,
          // every benchmark, interleaved with the rest: before/after measured in one run.
          String[] nj = opt.get("poolscope-compare").split(":", 2);
          if (nj.length != 2 || nj[0].isBlank()) {
            throw new IllegalArgumentException("--poolscope-compare expects NAME:JAR");
          }
          String otherJar = snapshot(nj[1], out, "poolscope-" + nj[0] + "-");
          String otherWhy = agentProblem(otherJar);
          if (otherWhy != null) {
            throw new IllegalArgumentException("--poolscope-compare: " + otherWhy);
          }
          configs.add(
              new Config("poolscope-" + nj[0], with(common, javaagent(otherJar, agentArgs)), all));
        }
        if (opt.containsKey("window")) {
          // The capture window open: the same agent with a short leak threshold, and one lease
          // held past it in set-up, on the cycles of HikariCP and Tomcat jdbc-pool.
          List<String> cycles =
              all.stream().filter(b -> b.equals("hikariCycle") || b.equals("tomcatCycle")).toList();
          List<String> jvm =
              with(common, javaagent(poolscopeJar, agentArgs + "," + WINDOW_THRESHOLD));
          jvm.add("-D" + PoolCycleBenchmark.LEAK_FIRST_PROPERTY + "=" + WINDOW_LEAK_MS);
          configs.add(new Config("poolscope-window-open", jvm, cycles));
        }
        if (opt.containsKey("poolscope-variant")) {
          // NAME:K=V,... - the agent attached with other options (a pool exclusion, or
          // enabled=false), on the two stub cycles that show what being attached costs.
          String[] nv = opt.get("poolscope-variant").split(":", 2);
          if (nv.length != 2 || nv[0].isBlank()) {
            throw new IllegalArgumentException("--poolscope-variant expects NAME:K=V,...");
          }
          List<String> stubs =
              all.stream()
                  .filter(b -> b.equals("hikariCycle") || b.equals("plainPoolCycle"))
                  .toList();
          configs.add(
              new Config(
                  "poolscope-" + nv[0],
                  with(common, javaagent(poolscopeJar, agentArgs + "," + nv[1])),
                  stubs));
        }
      } else {
        System.out.println("SKIP poolscope: " + why);
      }
      String otelJar = snapshot(opt.get("otel-agent"), out);
      String otelWhy = agentProblem(otelJar);
      if (otelWhy == null) {
        List<String> otel = new ArrayList<>(common);
        otel.add("-javaagent:" + otelJar);
        otel.add("-Dotel.service.name=bench-otel");
        // Metrics really recorded and exported (to the loopback sink, every 10 s as Poolscope
        // does); no traces or logs exported, as in the comparison.
        otel.add("-Dotel.metrics.exporter=otlp");
        otel.add("-Dotel.exporter.otlp.protocol=http/protobuf");
        otel.add("-Dotel.exporter.otlp.metrics.endpoint=" + sink.baseUrl() + "/otel/v1/metrics");
        otel.add("-Dotel.metric.export.interval=10000");
        otel.add("-Dotel.traces.exporter=none");
        otel.add("-Dotel.logs.exporter=none");
        configs.add(new Config("otel", otel, all));
      } else {
        System.out.println("SKIP otel: " + otelWhy);
      }

      // wall/cpu.get(benchmark).get(config).get(round) = per-iteration ops/us resp. CPU ns/op
      Map<String, Map<String, List<List<Double>>>> wall = new LinkedHashMap<>();
      Map<String, Map<String, List<List<Double>>>> cpu = new LinkedHashMap<>();
      Map<String, Map<String, List<List<Double>>>> processCpu = new LinkedHashMap<>();
      Map<String, String> failures = new LinkedHashMap<>();
      Instant started = Instant.now();
      for (int round = 0; round < forks; round++) {
        for (int k = 0; k < configs.size(); k++) {
          Config c = configs.get((k + round) % configs.size());
          if (c.benchmarks().isEmpty()) {
            continue;
          }
          System.out.printf(
              Locale.ROOT,
              "round %d/%d, config %-18s %s%n",
              round + 1,
              forks,
              c.name(),
              c.benchmarks());
          Path log = out.resolve("jmh-round" + (round + 1) + "-" + c.name() + ".log");
          Options o =
              new OptionsBuilder()
                  .include(
                      "^"
                          + BENCH.replace(".", "\\.")
                          + "\\.("
                          + String.join("|", c.benchmarks())
                          + ")$")
                  .forks(1)
                  .warmupIterations(warmup)
                  .warmupTime(TimeValue.seconds(seconds))
                  .measurementIterations(iterations)
                  .measurementTime(TimeValue.seconds(seconds))
                  .jvmArgs(c.jvmArgs().toArray(String[]::new))
                  .addProfiler(ThreadCpuProfiler.class)
                  .shouldFailOnError(false)
                  .output(log.toString())
                  .build();
          Collection<RunResult> runs;
          try {
            runs = new Runner(o).run();
          } catch (RunnerException e) {
            failures.put(c.name() + " round " + (round + 1), e.toString());
            continue;
          }
          Map<String, String> trouble = agentTrouble(log);
          for (String b : c.benchmarks()) {
            if (trouble.containsKey(b)) {
              // The agents keep the application running when they fail to start, so that fork
              // measured no agent at all: its figures must not be reported as the agent's.
              failures.put(
                  c.name() + " " + b + " round " + (round + 1),
                  "agent not active, fork left out: " + trouble.get(b));
              addRound(wall, b, c.name(), round, List.of());
              addRound(cpu, b, c.name(), round, List.of());
              addRound(processCpu, b, c.name(), round, List.of());
              continue;
            }
            boolean found = false;
            for (RunResult r : runs) {
              String name = r.getParams().getBenchmark();
              if (!name.endsWith("." + b)) {
                continue;
              }
              List<Double> scores = new ArrayList<>();
              List<Double> cpuScores = new ArrayList<>();
              List<Double> processScores = new ArrayList<>();
              for (BenchmarkResult br : r.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                  scores.add(ir.getPrimaryResult().getScore());
                  Result<?> c2 = ir.getSecondaryResults().get(ThreadCpuProfiler.LABEL);
                  if (c2 != null) {
                    cpuScores.add(c2.getScore());
                  }
                  Result<?> p2 = ir.getSecondaryResults().get(ThreadCpuProfiler.PROCESS_LABEL);
                  if (p2 != null) {
                    processScores.add(p2.getScore());
                  }
                }
              }
              found = !scores.isEmpty();
              addRound(wall, b, c.name(), round, scores);
              addRound(cpu, b, c.name(), round, cpuScores);
              addRound(processCpu, b, c.name(), round, processScores);
            }
            if (!found) {
              failures.put(c.name() + " " + b + " round " + (round + 1), "no result; see " + log);
            }
          }
        }
      }
      Instant finished = Instant.now();

      List<Config> shown = configs;
      String table =
          "Wall-clock throughput (JMH primary score; higher is better):\n\n"
              + report(rename(wall, configs, shown), shown, false)
              + "\nCPU time of the benchmark thread per operation (lower is better; the steadier"
              + " figure on a shared machine):\n\n"
              + report(rename(cpu, configs, shown), shown, true)
              + "\nCPU time of the whole benchmark JVM per operation (all threads: agents' own"
              + " threads, GC, JIT; lower is better):\n\n"
              + report(rename(processCpu, configs, shown), shown, true);
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(
              Locale.ROOT,
              "Agent benchmark %s .. %s: %d forks per configuration (interleaved), %d x %d s warmup,"
                  + " %d x %d s measurement, 1 thread%n%n",
              started,
              finished,
              forks,
              warmup,
              seconds,
              iterations,
              seconds));
      text.append(table);
      text.append("\nOTLP received by the loopback sink (per path):\n").append(sink.report());
      boolean poolscopeRan = configs.stream().anyMatch(c -> c.name().startsWith("poolscope"));
      long poolscopeExports = sink.requestsUnder("/") - sink.requestsUnder("/otel/");
      if (poolscopeRan && poolscopeExports == 0) {
        text.append(
            "  WARNING: nothing came from the Poolscope agent (every other path is its own):"
                + " was it active?\n");
      }
      if (!failures.isEmpty()) {
        text.append("\nFailures:\n");
        failures.forEach((k, v) -> text.append("  ").append(k).append(": ").append(v).append('\n'));
      }
      System.out.println();
      System.out.print(text);
      Files.writeString(out.resolve("summary.md"), text);
      writeCsv(out.resolve("results.csv"), wall, cpu, processCpu);
      System.out.println(
          "\nWrote " + out.resolve("summary.md") + " and " + out.resolve("results.csv"));
    }
  }

  /**
   * Per benchmark of a JMH log (one fork each), the first line of its output that says an agent
   * failed to start.
   */
  private static Map<String, String> agentTrouble(Path log) {
    Map<String, String> trouble = new LinkedHashMap<>();
    String bench = null;
    try {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("# Benchmark: ")) {
          bench = line.substring(line.lastIndexOf('.') + 1).strip();
          continue;
        }
        String l = line.toLowerCase(Locale.ROOT);
        if (bench != null
            && (l.contains("agent failed")
                || l.contains("invalid agent option")
                || l.contains("noclassdeffounderror")
                || l.contains("error opening zip file or jar manifest")
                || l.contains("fatal error in native method"))) {
          trouble.putIfAbsent(bench, line.strip());
        }
      }
    } catch (IOException e) {
      trouble.put("*", "cannot read " + log + ": " + e.getMessage());
    }
    return trouble;
  }

  /** The same results keyed by the configurations' display names. */
  private static Map<String, Map<String, List<List<Double>>>> rename(
      Map<String, Map<String, List<List<Double>>>> results, List<Config> from, List<Config> to) {
    Map<String, Map<String, List<List<Double>>>> out = new LinkedHashMap<>();
    results.forEach(
        (bench, byConfig) -> {
          Map<String, List<List<Double>>> m = new LinkedHashMap<>();
          for (int i = 0; i < from.size(); i++) {
            List<List<Double>> v = byConfig.get(from.get(i).name());
            if (v != null) {
              m.put(to.get(i).name(), v);
            }
          }
          out.put(bench, m);
        });
    return out;
  }

  /**
   * Copies the jar into {@code out/agents/}, returning the copy, or the path as given if absent.
   */
  private static String snapshot(String jar, Path out) throws IOException {
    return snapshot(jar, out, "");
  }

  /** The same, with a prefix on the copy's name (two builds of one agent share a file name). */
  private static String snapshot(String jar, Path out, String prefix) throws IOException {
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      return jar;
    }
    Path dir = Files.createDirectories(out.resolve("agents"));
    Path copy = dir.resolve(prefix + Path.of(jar).getFileName());
    Files.copy(Path.of(jar), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return copy.toAbsolutePath().toString();
  }

  private static List<String> with(List<String> base, String extra) {
    List<String> l = new ArrayList<>(base);
    l.add(extra);
    return l;
  }

  private static String javaagent(String jar, String args) {
    return "-javaagent:" + jar + "=" + args;
  }

  /** Null when the jar can be attached, else why not. */
  private static String agentProblem(String jar) {
    if (jar == null) {
      return "no agent jar given";
    }
    Path p = Path.of(jar);
    if (!Files.isRegularFile(p)) {
      return p + " not found (not built yet?)";
    }
    try (JarFile jf = new JarFile(p.toFile())) {
      if (jf.getManifest() == null
          || jf.getManifest().getMainAttributes().getValue("Premain-Class") == null) {
        return p + " has no Premain-Class in its manifest (not an agent yet)";
      }
    } catch (IOException e) {
      return p + " is not a readable jar: " + e.getMessage();
    }
    return null;
  }

  private static void addRound(
      Map<String, Map<String, List<List<Double>>>> into,
      String bench,
      String config,
      int round,
      List<Double> scores) {
    List<List<Double>> rounds =
        into.computeIfAbsent(bench, x -> new LinkedHashMap<>())
            .computeIfAbsent(config, x -> new ArrayList<>());
    while (rounds.size() < round) {
      rounds.add(List.of()); // a failed round keeps its place, so rounds stay paired
    }
    rounds.add(scores);
  }

  /**
   * One table row per benchmark and configuration. {@code nsPerOp}: the values are ns/op (lower is
   * better) rather than ops/us; ratios are always expressed as throughput relative to no agent, so
   * 0.60x means "60 % of no agent's throughput" in both tables.
   */
  private static String report(
      Map<String, Map<String, List<List<Double>>>> results, List<Config> configs, boolean nsPerOp) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        nsPerOp
            ? "| benchmark | config | CPU ns/op median | IQR | min..max | ns/op vs none"
                + " | throughput vs none | per-round ratios |\n"
            : "| benchmark | config | ops/us median | IQR | min..max | ns/op | ns/op vs none"
                + " | throughput vs none | per-round ratios |\n");
    sb.append(
        nsPerOp
            ? "|---|---|---|---|---|---|---|---|\n"
            : "|---|---|---|---|---|---|---|---|---|\n");
    for (var byBench : results.entrySet()) {
      String bench = byBench.getKey();
      List<List<Double>> baseRounds = byBench.getValue().get(BASELINE);
      Summary base = baseRounds == null ? null : Summary.of(flatten(baseRounds));
      for (Config c : configs) {
        List<List<Double>> rounds = byBench.getValue().get(c.name());
        if (rounds == null || flatten(rounds).isEmpty()) {
          continue;
        }
        Summary s = Summary.of(flatten(rounds));
        double ns = nsPerOp ? s.median() : 1000.0 / s.median();
        String delta = "";
        String ratio = "";
        String perRound = "";
        if (base != null && base.n() > 0 && !c.name().equals(BASELINE)) {
          double baseNs = nsPerOp ? base.median() : 1000.0 / base.median();
          delta = String.format(Locale.ROOT, "%+.1f", ns - baseNs);
          ratio = String.format(Locale.ROOT, "%.3fx", baseNs / ns);
          List<String> rs = new ArrayList<>();
          for (int r = 0; r < Math.min(rounds.size(), baseRounds.size()); r++) {
            Summary a = Summary.of(rounds.get(r));
            Summary b = Summary.of(baseRounds.get(r));
            if (a.n() > 0 && b.n() > 0) {
              double q = nsPerOp ? b.median() / a.median() : a.median() / b.median();
              rs.add(String.format(Locale.ROOT, "%.3f", q));
            }
          }
          perRound = String.join(" ", rs);
        }
        if (nsPerOp) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %.1f | %.1f..%.1f | %.1f..%.1f | %s | %s | %s |%n",
                  bench,
                  c.name(),
                  s.median(),
                  s.p25(),
                  s.p75(),
                  s.min(),
                  s.max(),
                  delta,
                  ratio,
                  perRound));
        } else {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %.4f | %.4f..%.4f | %.4f..%.4f | %.1f | %s | %s | %s |%n",
                  bench,
                  c.name(),
                  s.median(),
                  s.p25(),
                  s.p75(),
                  s.min(),
                  s.max(),
                  ns,
                  delta,
                  ratio,
                  perRound));
        }
      }
    }
    return sb.toString();
  }

  private static List<Double> flatten(List<List<Double>> rounds) {
    return rounds.stream().flatMap(List::stream).collect(Collectors.toList());
  }

  private static void writeCsv(
      Path file,
      Map<String, Map<String, List<List<Double>>>> wall,
      Map<String, Map<String, List<List<Double>>>> cpu,
      Map<String, Map<String, List<List<Double>>>> processCpu)
      throws IOException {
    try (PrintStream p = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
      p.println("benchmark,config,round,iteration,ops_per_us,cpu_ns_per_op,process_cpu_ns_per_op");
      wall.forEach(
          (bench, byConfig) ->
              byConfig.forEach(
                  (config, rounds) -> {
                    List<List<Double>> cpuRounds =
                        cpu.getOrDefault(bench, Map.of()).getOrDefault(config, List.of());
                    List<List<Double>> procRounds =
                        processCpu.getOrDefault(bench, Map.of()).getOrDefault(config, List.of());
                    for (int r = 0; r < rounds.size(); r++) {
                      List<Double> it = rounds.get(r);
                      List<Double> cit = r < cpuRounds.size() ? cpuRounds.get(r) : List.of();
                      List<Double> pit = r < procRounds.size() ? procRounds.get(r) : List.of();
                      for (int i = 0; i < it.size(); i++) {
                        p.printf(
                            Locale.ROOT,
                            "%s,%s,%d,%d,%.6f,%s,%s%n",
                            bench,
                            config,
                            r + 1,
                            i + 1,
                            it.get(i),
                            i < cit.size() ? String.format(Locale.ROOT, "%.2f", cit.get(i)) : "",
                            i < pit.size() ? String.format(Locale.ROOT, "%.2f", pit.get(i)) : "");
                      }
                    }
                  }));
    }
  }

  /** {@code --key value} pairs. */
  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got: " + args[i]);
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }
}
