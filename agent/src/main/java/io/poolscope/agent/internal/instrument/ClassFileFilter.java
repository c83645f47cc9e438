package io.poolscope.agent.internal.instrument;

import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.pools.PoolAdapters;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides from a class file's bytes, before Byte Buddy parses it, whether any instrumentation could
 * apply to the class: every one applies to a class (never an interface) that is one of the pool
 * classes the adapters name, or Tomcat's {@code DataSourceProxy}, or a subtype of a JDBC type
 * ({@link #JDBC}). Most application classes are neither, and handing each to Byte Buddy costs a
 * parsed type description and a walk of its hierarchy; at start-up that was most of the agent's
 * cost on the application's threads. The filter reads only the constant pool and the supertypes,
 * and looks up the supertypes' class files through the class's loader, as Byte Buddy would. It
 * answers "may apply" whenever it cannot tell (a supertype whose class file is not found, bytes it
 * cannot read), so Byte Buddy, never the filter, has the last word.
 *
 * <p>Loads no Byte Buddy class: the start gate asks it before Byte Buddy is set up. Its cache holds
 * one boolean per supertype name per loader, with the loader weakly held.
 */
final class ClassFileFilter {
  /** The JDBC types every subtype instrumentation matches on, as internal names. */
  static final List<String> JDBC =
      Arrays.asList(
          "java/sql/Driver",
          "java/sql/Connection",
          "javax/sql/CommonDataSource",
          "javax/sql/DataSource",
          "javax/sql/PooledConnection");

  /** The JDK's own subtypes of them: javax.sql's XA and pooled-connection data sources. */
  private static final List<String> JDK_SUBTYPES =
      Arrays.asList(
          "javax/sql/ConnectionPoolDataSource", "javax/sql/XADataSource", "javax/sql/XAConnection");

  private static final int ACC_INTERFACE = 0x0200;
  private static final int ACC_MODULE = 0x8000;
  private static final int MAX_DEPTH = 64;
  private static final int MAX_CACHED_PER_LOADER = 100_000;
  private static final Object BOOTSTRAP = new Object();

  private final Set<String> named;
  // Per loader: internal class name -> is a JDBC subtype (or could not be told).
  private final Map<Object, Map<String, Boolean>> byLoader = new WeakHashMap<>();

  ClassFileFilter(Collection<String> namedBinary) {
    Set<String> n = new HashSet<>();
    for (String s : namedBinary) {
      n.add(s.replace('.', '/'));
    }
    this.named = n;
  }

  /** The filter for the adapters' pool classes and the instrumentations' named types. */
  static ClassFileFilter forAgent() {
    Set<String> names = new HashSet<>(DataSourceInstrumentation.NAMED);
    for (PoolAdapter a : PoolAdapters.all()) {
      names.addAll(a.classes().types());
    }
    return new ClassFileFilter(names);
  }

  /**
   * Whether an instrumentation may apply to the class being defined.
   *
   * @param loader its defining loader
   * @param name its internal name
   * @param bytes its class file
   * @return false only when none can
   */
  boolean mayApply(ClassLoader loader, String name, byte[] bytes) {
    if (name != null && named.contains(name)) {
      return true;
    }
    Header h = Header.read(bytes);
    if (h == null) {
      return true;
    }
    boolean jdbc = supertypesJdbc(loader, h, 0);
    if (name != null) {
      remember(cache(loader), name, jdbc);
    }
    return jdbc && (h.access & (ACC_INTERFACE | ACC_MODULE)) == 0;
  }

  /**
   * The same question for a class already loaded, as the JVM knows its hierarchy.
   *
   * @param c the class
   * @return false only when no instrumentation can apply
   */
  boolean mayApply(Class<?> c) {
    if (c.isInterface() || c.isArray() || c.isPrimitive()) {
      return false;
    }
    return named.contains(c.getName().replace('.', '/')) || loadedJdbc(c, 0);
  }

  private static boolean loadedJdbc(Class<?> c, int depth) {
    if (c == null || depth > MAX_DEPTH) {
      return false;
    }
    if (JDBC.contains(c.getName().replace('.', '/'))) {
      return true;
    }
    for (Class<?> i : c.getInterfaces()) {
      if (loadedJdbc(i, depth + 1)) {
        return true;
      }
    }
    return loadedJdbc(c.getSuperclass(), depth + 1);
  }

  private boolean supertypesJdbc(ClassLoader loader, Header h, int depth) {
    if (h.superName != null && isJdbc(loader, h.superName, depth + 1)) {
      return true;
    }
    for (String i : h.interfaces) {
      if (isJdbc(loader, i, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the named type is a JDBC type or a subtype of one; true when it cannot be told. */
  private boolean isJdbc(ClassLoader loader, String name, int depth) {
    if (JDBC.contains(name) || JDK_SUBTYPES.contains(name)) {
      return true;
    }
    if (name.startsWith("java/")) {
      // Java SE's own types: none outside JDBC's extends a JDBC type.
      return false;
    }
    if (depth > MAX_DEPTH) {
      return true;
    }
    Map<String, Boolean> cache = cache(loader);
    Boolean known = cache.get(name);
    if (known != null) {
      return known;
    }
    Header h = Header.read(classFile(loader, name));
    boolean jdbc = h == null || supertypesJdbc(loader, h, depth);
    remember(cache, name, jdbc);
    return jdbc;
  }

  /** Caches an answer; a full cache starts over, so it stays bounded. */
  private static void remember(Map<String, Boolean> cache, String name, boolean jdbc) {
    if (cache.size() >= MAX_CACHED_PER_LOADER) {
      cache.clear();
    }
    cache.put(name, jdbc);
  }

  private Map<String, Boolean> cache(ClassLoader loader) {
    Object key = loader == null ? BOOTSTRAP : loader;
    synchronized (byLoader) {
      return byLoader.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    }
  }

  private static byte[] classFile(ClassLoader loader, String name) {
    String resource = name + ".class";
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** A class file's access flags and supertypes, read from its constant pool. */
  static final class Header {
    final int access;
    final String superName;
    final String[] interfaces;

    private Header(int access, String superName, String[] interfaces) {
      this.access = access;
      this.superName = superName;
      this.interfaces = interfaces;
    }

    /**
     * Reads the header of a class file.
     *
     * @param b the class file
     * @return the header, or null when the bytes are no class file this reader understands
     */
    static Header read(byte[] b) {
      if (b == null || b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
        return null;
      }
      try {
        int count = u2(b, 8);
        int[] offsets = new int[count];
        int p = 10;
        for (int i = 1; i < count; i++) {
          offsets[i] = p;
          int tag = b[p] & 0xFF;
          switch (tag) {
            case 1: // Utf8
              p += 3 + u2(b, p + 1);
              break;
            case 7: // Class
            case 8: // String
            case 16: // MethodType
            case 19: // Module
            case 20: // Package
              p += 3;
              break;
            case 15: // MethodHandle
              p += 4;
              break;
            case 3: // Integer
            case 4: // Float
            case 9: // Fieldref
            case 10: // Methodref
            case 11: // InterfaceMethodref
            case 12: // NameAndType
            case 17: // Dynamic
            case 18: // InvokeDynamic
              p += 5;
              break;
            case 5: // Long
            case 6: // Double
              p += 9;
              i++;
              break;
            default:
              return null;
          }
        }
        int access = u2(b, p);
        int superIndex = u2(b, p + 4);
        int n = u2(b, p + 6);
        String[] interfaces = new String[n];
        for (int k = 0; k < n; k++) {
          interfaces[k] = className(b, offsets, u2(b, p + 8 + 2 * k));
        }
        String superName = superIndex == 0 ? null : className(b, offsets, superIndex);
        return new Header(access, superName, interfaces);
      } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
        return null;
      }
    }

    private static String className(byte[] b, int[] offsets, int classIndex) {
      int c = offsets[classIndex];
      if ((b[c] & 0xFF) != 7) {
        throw new IllegalArgumentException("not a class entry");
      }
      int u = offsets[u2(b, c + 1)];
      if ((b[u] & 0xFF) != 1) {
        throw new IllegalArgumentException("not a name");
      }
      return modifiedUtf8(b, u + 3, u2(b, u + 1));
    }

    /** Decodes the class file's modified UTF-8; class names are nearly always ASCII. */
    private static String modifiedUtf8(byte[] b, int from, int length) {
      char[] out = new char[length];
      int n = 0;
      int end = from + length;
      if (end > b.length) {
        throw new IllegalArgumentException("truncated name");
      }
      for (int i = from; i < end; ) {
        int x = b[i++] & 0xFF;
        if (x < 0x80) {
          out[n++] = (char) x;
        } else if ((x & 0xE0) == 0xC0 && i < end) {
          out[n++] = (char) (((x & 0x1F) << 6) | (b[i++] & 0x3F));
        } else if ((x & 0xF0) == 0xE0 && i + 1 < end) {
          out[n++] = (char) (((x & 0x0F) << 12) | ((b[i] & 0x3F) << 6) | (b[i + 1] & 0x3F));
          i += 2;
        } else {
          throw new IllegalArgumentException("malformed name");
        }
      }
      return new String(out, 0, n);
    }

    private static int u2(byte[] b, int at) {
      return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u4(byte[] b, int at) {
      return (u2(b, at) << 16) | u2(b, at + 2);
    }
  }
}
