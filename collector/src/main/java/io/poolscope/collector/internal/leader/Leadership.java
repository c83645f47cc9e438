package io.poolscope.collector.internal.leader;

/**
 * Whether this collector does the work that must happen once per store: probes, history, alert
 * evaluation and notification. A single collector (the H2 default) always leads.
 */
public interface Leadership extends AutoCloseable {

  /** The single collector: always the leader. */
  Leadership SINGLE =
      new Leadership() {
        @Override
        public boolean check() {
          return true;
        }

        @Override
        public boolean leader() {
          return true;
        }

        @Override
        public String state() {
          return "single";
        }

        @Override
        public void close() {}
      };

  /** Tries to become or stay the leader now (does I/O); returns whether this collector leads. */
  boolean check();

  /** Whether this collector led at the last {@link #check} (no I/O). */
  boolean leader();

  /** {@code single}, {@code leader}, {@code follower} or {@code unknown} (store unreachable). */
  String state();

  @Override
  void close();
}
