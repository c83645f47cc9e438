package io.poolscope.agent.internal.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumentation: the types it applies to and the advice it inlines into their methods
 * (OpenTelemetry's TypeInstrumentation shape). Every transformation that matches a class applies,
 * in the order {@link Instrumenter} lists them.
 */
final class Transformation {
  final ElementMatcher<? super TypeDescription> types;
  final List<AsmVisitorWrapper> advice;

  private Transformation(
      ElementMatcher<? super TypeDescription> types, List<AsmVisitorWrapper> advice) {
    this.types = types;
    this.advice = advice;
  }

  /**
   * A transformation of the matched types.
   *
   * @param types the classes it applies to
   * @param advice each advice bound to the methods it is inlined into
   * @return the transformation
   */
  static Transformation of(
      ElementMatcher<? super TypeDescription> types, AsmVisitorWrapper... advice) {
    List<AsmVisitorWrapper> list = new ArrayList<>();
    Collections.addAll(list, advice);
    return new Transformation(types, Collections.unmodifiableList(list));
  }
}
