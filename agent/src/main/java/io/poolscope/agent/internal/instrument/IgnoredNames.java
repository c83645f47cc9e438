package io.poolscope.agent.internal.instrument;

import java.util.Arrays;
import java.util.List;

/**
 * Packages never instrumented: the JDK's, the agent's and common libraries'. Names only, so the
 * start gate, the filter of loaded classes and Byte Buddy's ignore matcher all decide without
 * parsing a class file, and without loading Byte Buddy.
 */
final class IgnoredNames {
  static final List<String> PREFIXES =
      Arrays.asList(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "io.poolscope.agent.",
          // Joined at run time so the shade plugin's relocation does not rewrite these names
          // into the agent's own shaded packages: they mean the application's copies.
          String.join(".", "net", "bytebuddy", ""),
          "org.junit.",
          "org.apache.maven.",
          "org.gradle.",
          "kotlin.",
          "scala.",
          "groovy.",
          "org.slf4j.",
          "ch.qos.logback.",
          "org.apache.logging.log4j.",
          "com.fasterxml.jackson.",
          "com.google.common.",
          "com.google.protobuf.",
          "io.netty.",
          "org.eclipse.jetty.",
          String.join(".", "io", "opentelemetry", ""),
          "org.objectweb.asm.",
          "org.assertj.",
          "org.mockito.");

  /**
   * JDK dynamic proxies (jdk.proxyN.$ProxyN, com.sun.proxy.$ProxyN) wrap connections in in-house
   * pools and frameworks: their close() must be seen.
   */
  static final List<String> PROXIES = Arrays.asList("jdk.proxy", "com.sun.proxy.");

  static final String LAMBDA = "$$Lambda";

  private static final String[] PREFIXES_BINARY = PREFIXES.toArray(new String[0]);
  private static final String[] PROXIES_BINARY = PROXIES.toArray(new String[0]);
  private static final String[] PREFIXES_INTERNAL = internal(PREFIXES);
  private static final String[] PROXIES_INTERNAL = internal(PROXIES);

  private IgnoredNames() {}

  /**
   * Whether a class is ignored, by its binary name ({@code com.example.Foo}).
   *
   * @param name the class name
   * @return true when no instrumentation applies
   */
  static boolean ignored(String name) {
    return ignored(name, PREFIXES_BINARY, PROXIES_BINARY);
  }

  /**
   * Whether a class is ignored, by its internal name ({@code com/example/Foo}), as a class file
   * transformer sees it.
   *
   * @param name the internal class name
   * @return true when no instrumentation applies
   */
  static boolean ignoredInternal(String name) {
    return ignored(name, PREFIXES_INTERNAL, PROXIES_INTERNAL);
  }

  private static boolean ignored(String name, String[] prefixes, String[] proxies) {
    for (String p : proxies) {
      if (name.startsWith(p)) {
        return false;
      }
    }
    if (name.contains(LAMBDA)) {
      return true;
    }
    for (String p : prefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static String[] internal(List<String> names) {
    String[] out = new String[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = names.get(i).replace('.', '/');
    }
    return out;
  }
}
