package io.poolscope.benchmarks.internal.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's heap occupancy and its resident size and CPU time from /proc, so the
 * collector runs unmodified (no agent, no JMX port). Heap samples come from one long-running {@code
 * jstat -gc PID 5000} process: starting a {@code jcmd} JVM every few seconds would itself cost a
 * noticeable share of this 2-core machine. {@code jcmd} is used once, at the end, to force a full
 * GC and read the live set.
 */
public final class HeapSampler {

  // G1 "garbage-first heap   total 262144K, used 10240K"; Parallel "PSYoungGen total ..., used"
  // and "ParOldGen total ..., used"; the top-level lines of each generation are summed.
  private static final Pattern USED =
      Pattern.compile("^ ?(\\S.*?)\\s+total (\\d+)K, used (\\d+)K", Pattern.MULTILINE);
  private static final Pattern ZGC =
      Pattern.compile("ZHeap\\s+used (\\d+)M, capacity (\\d+)M", Pattern.MULTILINE);

  private final long pid;
  private volatile long maxUsedBytes;
  private volatile long lastUsedBytes = -1;
  private volatile long maxRssBytes;
  private volatile String lastError;

  /** Samples the JVM with this process id. */
  public HeapSampler(long pid) {
    this.pid = pid;
  }

  /**
   * Samples heap (every 5 s, through jstat) and RSS until {@code endNanos} (System.nanoTime);
   * failures are remembered, not thrown, so the load goes on.
   */
  public void sampleUntil(long endNanos) {
    Process jstat;
    try {
      jstat =
          new ProcessBuilder("jstat", "-gc", Long.toString(pid), "5000")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      lastError = e.toString();
      return;
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> header = null;
      String line;
      while (System.nanoTime() < endNanos && (line = in.readLine()) != null) {
        List<String> cols = List.of(line.trim().split("\\s+"));
        if (cols.contains("EU")) {
          header = cols;
          continue;
        }
        if (header == null || cols.size() != header.size()) {
          lastError = "jstat: " + line;
          continue;
        }
        double kb = 0;
        for (String c : List.of("S0U", "S1U", "EU", "OU")) {
          kb += Double.parseDouble(cols.get(header.indexOf(c)));
        }
        long used = (long) (kb * 1024);
        lastUsedBytes = used;
        maxUsedBytes = Math.max(maxUsedBytes, used);
        maxRssBytes = Math.max(maxRssBytes, rssBytes());
      }
    } catch (IOException | RuntimeException e) {
      lastError = e.toString();
    } finally {
      jstat.destroy();
    }
  }

  /** Forces a full GC in the target and returns the heap in use after it: the live set. */
  public long liveAfterFullGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    return heapUsedBytes(jcmd("GC.heap_info"));
  }

  /** Largest heap in use seen (live data plus garbage not yet collected). */
  public long maxUsedBytes() {
    return maxUsedBytes;
  }

  /** Heap in use at the last sample. */
  public long lastUsedBytes() {
    return lastUsedBytes;
  }

  /** Largest resident set size seen. */
  public long maxRssBytes() {
    return maxRssBytes;
  }

  /** The last sampling error, or null. */
  public String lastError() {
    return lastError;
  }

  /** User + system CPU seconds the target has used so far, from /proc/PID/stat. */
  public double cpuSeconds() {
    return cpuSeconds(pid);
  }

  /** User plus system CPU time of process {@code pid} from /proc; NaN if it cannot be read. */
  public static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may contain spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks / 100.0; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroy();
      throw new IOException("jcmd " + pid + " " + command + " failed: " + out.strip());
    }
    return out;
  }

  static long heapUsedBytes(String heapInfo) {
    Matcher z = ZGC.matcher(heapInfo);
    if (z.find()) {
      return Long.parseLong(z.group(1)) << 20;
    }
    Matcher m = USED.matcher(heapInfo);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      String space = m.group(1).trim();
      // Sub-spaces (eden, from, to, object space) are indented further and already counted.
      if (space.startsWith("eden")
          || space.startsWith("from")
          || space.startsWith("to")
          || space.startsWith("object")
          || space.startsWith("Metaspace")
          || space.startsWith("class space")) {
        continue;
      }
      used += Long.parseLong(m.group(3)) * 1024;
      found = true;
    }
    if (!found) {
      throw new IllegalArgumentException("no heap figures in: " + heapInfo.strip());
    }
    return used;
  }
}
