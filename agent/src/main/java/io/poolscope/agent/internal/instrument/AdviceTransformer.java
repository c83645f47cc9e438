package io.poolscope.agent.internal.instrument;

import io.poolscope.agent.internal.Diagnostics;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Inlines the {@link Transformation}s that match a class into its class file, with Byte Buddy's
 * type pool and {@code redefine}: what Byte Buddy's {@code AgentBuilder} does for an agent that
 * only inlines advice, without the transformer class the agent builder generates for itself on Java
 * 9+, which cost about 0.18 s of the agent's set-up while the first pool class waited
 * (BENCHMARKS.md, agent start-up). The {@link StartGate} in front of it has already left out the
 * boot loader's classes, the ignored names and every class no transformation can apply to.
 *
 * <p>Never throws: a class that cannot be instrumented loads as it is. A class loaded on a thread
 * while that thread is in here (by the type pool reading a class file) is not instrumented, as with
 * Byte Buddy's circularity lock.
 */
final class AdviceTransformer implements ClassFileTransformer {
  // Advice is only inlined: no members are added (so loaded classes can be retransformed), the
  // type keeps its shape (nothing to validate) and only declared methods are visited (no method
  // graph of the hierarchy).
  private static final ByteBuddy BYTE_BUDDY =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
          .with(Implementation.Context.Disabled.Factory.INSTANCE);

  private final List<Transformation> transformations;
  private final TypeCache types;
  private final AtomicLong transformed;
  private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

  AdviceTransformer(List<Transformation> transformations, TypeCache types, AtomicLong transformed) {
    this.transformations = transformations;
    this.types = types;
    this.transformed = transformed;
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
    return transform(null, loader, name, redefined, domain, bytes);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes) {
    if (loader == null || internalName == null || inside.get() != null) {
      return null;
    }
    inside.set(Boolean.TRUE);
    String name = internalName.replace('/', '.');
    try {
      return instrument(loader, name, redefined, bytes);
    } catch (Throwable t) {
      Diagnostics.debug("could not instrument " + name + ": " + t);
      return null;
    } finally {
      inside.remove();
    }
  }

  private byte[] instrument(ClassLoader loader, String name, Class<?> redefined, byte[] bytes) {
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader));
    // The class itself is described from the bytes given, never from the shared cache: another
    // agent may have transformed them.
    TypePool pool = types.typePool(locator, loader, name);
    TypePool.Resolution resolution = pool.describe(name);
    TypeDescription type;
    if (resolution.isResolved()) {
      type = resolution.resolve();
    } else if (redefined != null) {
      type = TypeDescription.ForLoadedType.of(redefined);
    } else {
      return null;
    }
    DynamicType.Builder<?> builder = null;
    for (Transformation t : transformations) {
      if (t.types.matches(type)) {
        if (builder == null) {
          builder = BYTE_BUDDY.redefine(type, locator);
        }
        for (AsmVisitorWrapper advice : t.advice) {
          builder = builder.visit(advice);
        }
      }
    }
    if (builder == null) {
      return null;
    }
    byte[] out = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    transformed.incrementAndGet();
    Diagnostics.debug("instrumented " + name + (redefined != null ? " (retransformed)" : ""));
    return out;
  }
}
