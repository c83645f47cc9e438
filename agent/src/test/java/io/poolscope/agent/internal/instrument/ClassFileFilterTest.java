package io.poolscope.agent.internal.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Collections;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Which classes the start gate hands to Byte Buddy, decided on class file bytes alone. */
class ClassFileFilterTest {
  private final ClassFileFilter filter = ClassFileFilter.forAgent();
  private final ClassLoader loader = ClassFileFilterTest.class.getClassLoader();

  private byte[] classFile(String name) throws IOException {
    try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private boolean mayApply(String name) throws IOException {
    return filter.mayApply(loader, name.replace('.', '/'), classFile(name));
  }

  @Test
  void poolsDriversAndConnectionsMayBeInstrumented() throws IOException {
    assertThat(mayApply("com.zaxxer.hikari.HikariDataSource")).isTrue();
    assertThat(mayApply("org.h2.Driver")).isTrue();
    assertThat(mayApply("org.h2.jdbc.JdbcConnection")).isTrue();
    // Its superclass ProxyConnection implements Connection: found through the loader.
    assertThat(mayApply("com.zaxxer.hikari.pool.HikariProxyConnection")).isTrue();
    // A pool class an adapter names, though no JDBC type.
    assertThat(mayApply("org.apache.tomcat.jdbc.pool.DataSourceProxy")).isTrue();
    String proxy = "org/apache/tomcat/jdbc/pool/DataSourceProxy";
    assertThat(
            new ClassFileFilter(Collections.emptyList())
                .mayApply(loader, proxy, classFile("org.apache.tomcat.jdbc.pool.DataSourceProxy")))
        .isFalse();
    assertThat(mayApply(AppDataSource.class.getName())).isTrue();
  }

  @Test
  void applicationClassesThatOnlyUseJdbcAreLeftAlone() throws IOException {
    assertThat(mayApply("io.poolscope.testapp.FirstLinePoolApp")).isFalse();
    assertThat(mayApply("io.poolscope.testapp.NoPoolApp")).isFalse();
    assertThat(mayApply(UsesJdbc.class.getName())).isFalse();
    assertThat(mayApply(ClassFileFilterTest.class.getName())).isFalse();
    // No instrumentation applies to an interface, even one extending DataSource.
    assertThat(mayApply(WrappingDataSource.class.getName())).isFalse();
    assertThat(mayApply("com.zaxxer.hikari.HikariConfigMXBean")).isFalse();
  }

  @Test
  void whatCannotBeReadIsHandedOnToByteBuddy() throws IOException {
    byte[] bytes = classFile(UsesJdbc.class.getName());
    assertThat(filter.mayApply(loader, "com/example/Truncated", Arrays.copyOf(bytes, 40))).isTrue();
    assertThat(filter.mayApply(loader, "com/example/NotAClass", new byte[] {1, 2, 3})).isTrue();
    assertThat(filter.mayApply(loader, null, null)).isTrue();
    // A superclass whose class file the loader cannot find: the filter cannot tell.
    ClassLoader empty = new ClassLoader(null) {};
    assertThat(
            filter.mayApply(
                empty, "com/example/Sub", classFile(SubOfAppDataSource.class.getName())))
        .isTrue();
  }

  @Test
  void loadedClassesAreJudgedByTheirHierarchy() {
    ClassFileFilter none = new ClassFileFilter(Collections.emptyList());
    assertThat(none.mayApply(SubOfAppDataSource.class)).isTrue();
    assertThat(none.mayApply(UsesJdbc.class)).isFalse();
    assertThat(none.mayApply(WrappingDataSource.class)).isFalse();
    assertThat(none.mayApply(String.class)).isFalse();
    assertThat(filter.mayApply(com.zaxxer.hikari.HikariConfig.class)).isFalse();
    assertThat(filter.mayApply(com.zaxxer.hikari.HikariDataSource.class)).isTrue();
  }

  @Test
  void eachSupertypeIsReadOncePerLoader() throws IOException {
    Counting counting = new Counting(loader);
    byte[] bytes = classFile(SubOfAppDataSource.class.getName());
    assertThat(filter.mayApply(counting, "com/example/One", bytes)).isTrue();
    int reads = counting.reads;
    assertThat(reads).isGreaterThan(0);
    assertThat(filter.mayApply(counting, "com/example/Two", bytes)).isTrue();
    assertThat(counting.reads).isEqualTo(reads);
    // Another loader may see other class files under the same names: it reads its own.
    Counting other = new Counting(loader);
    assertThat(filter.mayApply(other, "com/example/One", bytes)).isTrue();
    assertThat(other.reads).isEqualTo(reads);
  }

  /** Counts the class files read through it. */
  private static final class Counting extends ClassLoader {
    int reads;

    Counting(ClassLoader parent) {
      super(parent);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      reads++;
      return super.getResourceAsStream(name);
    }
  }

  /** Uses JDBC types in its signatures but is none. */
  static final class UsesJdbc {
    Connection open(DataSource ds) throws java.sql.SQLException {
      return ds.getConnection();
    }
  }

  interface WrappingDataSource extends DataSource {}

  abstract static class AppDataSource implements DataSource {
    @Override
    public PrintWriter getLogWriter() {
      return null;
    }
  }

  abstract static class SubOfAppDataSource extends AppDataSource {}
}
