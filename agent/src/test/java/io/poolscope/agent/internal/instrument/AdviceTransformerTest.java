package io.poolscope.agent.internal.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.testapp.InHousePool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

/** The agent's transformer, given class files as the JVM would give them. */
class AdviceTransformerTest {
  private final AtomicLong transformed = new AtomicLong();
  private final AdviceTransformer transformer =
      new AdviceTransformer(
          Collections.singletonList(
              Transformation.of(
                  DataSourceInstrumentation.types(),
                  Instrumenter.advise(
                      DataSourceInstrumentation.LeaseAdvice.class,
                      DataSourceInstrumentation.methods(),
                      Advice.ExceptionHandler.Default.SUPPRESSING))),
          new TypeCache(),
          transformed);
  private final ClassLoader loader = AdviceTransformerTest.class.getClassLoader();

  private byte[] classFile(Class<?> c) throws IOException {
    try (InputStream in = loader.getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private byte[] transform(Class<?> c, byte[] bytes) {
    return transformer.transform(
        null, loader, c.getName().replace('.', '/'), null, c.getProtectionDomain(), bytes);
  }

  @Test
  void adviceIsInlinedIntoADataSourceOnly() throws IOException {
    byte[] original = classFile(InHousePool.class);
    byte[] out = transform(InHousePool.class, original);
    assertThat(out).isNotNull().isNotEqualTo(original);
    assertThat(new String(out, StandardCharsets.ISO_8859_1))
        .contains("io/poolscope/agent/bootstrap/Bridge");
    assertThat(transformed.get()).isEqualTo(1);

    assertThat(transform(NoDataSource.class, classFile(NoDataSource.class))).isNull();
    assertThat(transformed.get()).isEqualTo(1);
  }

  @Test
  void aClassThatCannotBeReadLoadsAsItIs() {
    assertThat(transform(InHousePool.class, new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1})).isNull();
    assertThat(transformer.transform(null, null, "a/B", null, null, new byte[0])).isNull();
    assertThat(transformed.get()).isZero();
  }

  /** Has a getConnection method but is no DataSource. */
  static final class NoDataSource {
    Connection getConnection() {
      return null;
    }
  }
}
