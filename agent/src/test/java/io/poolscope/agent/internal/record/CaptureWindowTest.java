package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The capture window's rate limit, on an injected clock (the borrow's own nanoTime reading). */
class CaptureWindowTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 1_000 * SECOND;

  private final CaptureWindow window = new CaptureWindow();

  @Test
  void aClosedWindowCapturesNothing() {
    assertThat(window.take(T0)).isFalse();
    window.extendTo(T0 + SECOND);
    assertThat(window.take(T0)).isTrue();
    assertThat(window.take(T0 + SECOND)).isFalse();
  }

  @Test
  void aTightLoopGetsAtMostTheFamilysRate() {
    window.extendTo(T0 + 600 * SECOND);
    long borrowsPerSecond = 20_000;
    long step = SECOND / borrowsPerSecond;
    int captured = 0;
    for (long i = 0; i < 60 * borrowsPerSecond; i++) {
      if (window.take(T0 + i * step)) {
        captured++;
      }
    }
    // 60 s at the average rate plus one burst, and no fewer than the rate allows.
    assertThat(captured)
        .isBetween(
            (int) (60 * CaptureWindow.PER_SECOND),
            (int) (60 * CaptureWindow.PER_SECOND + CaptureWindow.BURST));
  }

  @Test
  void aSiteLeakingOncePerSecondIsNamedWithinAMinute() {
    window.extendTo(T0 + 600 * SECOND);
    // Other borrows at 150/s (below the family's rate) plus one leaking borrow a second.
    long others = 150;
    int leaksNamed = 0;
    long firstNamed = -1;
    for (long sec = 0; sec < 60; sec++) {
      for (long k = 0; k < others; k++) {
        window.take(T0 + sec * SECOND + k * (SECOND / others));
      }
      long leakAt = T0 + sec * SECOND + SECOND / 2 + 1;
      if (window.take(leakAt)) {
        leaksNamed++;
        if (firstNamed < 0) {
          firstNamed = leakAt - T0;
        }
      }
    }
    assertThat(firstNamed).isBetween(0L, 60 * SECOND);
    assertThat(leaksNamed).isEqualTo(60);
  }

  @Test
  void aBurstAfterAQuietSpellIsCapturedWhole() {
    window.extendTo(T0 + 600 * SECOND);
    int captured = 0;
    for (int i = 0; i < CaptureWindow.BURST + 50; i++) {
      if (window.take(T0 + i)) {
        captured++;
      }
    }
    assertThat(captured).isEqualTo((int) CaptureWindow.BURST);
    assertThat(window.take(T0 + SECOND)).isTrue();
  }
}
