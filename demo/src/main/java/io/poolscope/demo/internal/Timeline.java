package io.poolscope.demo.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo did and saw, each line stamped with the time since the demo started, printed as it
 * happens and kept for the closing summary (and for tests).
 */
public final class Timeline {
  /** One line of the timeline. */
  public record Entry(Duration at, String kind, String text) {
    /**
     * The line as printed.
     *
     * @return e.g. {@code [ 01:23.4] alert PoolscopeBudgetHigh firing}
     */
    public String format() {
      long tenths = at.toMillis() / 100;
      return String.format(
          "[%3d:%02d.%d] %-8s %s", tenths / 600, tenths / 10 % 60, tenths % 10, kind, text);
    }
  }

  private final long startNanos;
  private final PrintStream out;
  private final List<Entry> entries = new ArrayList<>();

  /**
   * A timeline starting now.
   *
   * @param out where lines are printed as they happen
   */
  public Timeline(PrintStream out) {
    this(System.nanoTime(), out);
  }

  Timeline(long startNanos, PrintStream out) {
    this.startNanos = startNanos;
    this.out = out;
  }

  /**
   * Records and prints one line.
   *
   * @param kind a short category: demo, fleet, budget, alert
   * @param text what happened
   * @return the entry
   */
  public Entry note(String kind, String text) {
    Entry entry = new Entry(elapsed(), kind, text);
    synchronized (this) {
      entries.add(entry);
      out.println(entry.format());
      out.flush();
    }
    return entry;
  }

  /**
   * Time since the timeline started.
   *
   * @return the elapsed duration
   */
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /**
   * Every entry so far, oldest first.
   *
   * @return a copy
   */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }
}
