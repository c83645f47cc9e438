package io.poolscope.agent.internal.instrument;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The JVM's instrumentation as Byte Buddy's {@code installOn} sees it, except that the transformer
 * it adds is handed to the {@link StartGate} instead of being registered: the gate, registered in
 * {@code premain}, stays the agent's one transformer and decides when Byte Buddy's may run.
 */
final class CapturingInstrumentation implements Instrumentation {
  private final Instrumentation inst;
  private final StartGate gate;
  private volatile ClassFileTransformer captured;

  CapturingInstrumentation(Instrumentation inst, StartGate gate) {
    this.inst = inst;
    this.gate = gate;
  }

  /** Byte Buddy's transformer, once {@code installOn} added it. */
  ClassFileTransformer captured() {
    return captured;
  }

  @Override
  public void addTransformer(ClassFileTransformer transformer, boolean canRetransform) {
    captured = transformer;
    gate.retransformWith(transformer);
  }

  @Override
  public void addTransformer(ClassFileTransformer transformer) {
    addTransformer(transformer, false);
  }

  @Override
  public boolean removeTransformer(ClassFileTransformer transformer) {
    return false;
  }

  @Override
  public boolean isRetransformClassesSupported() {
    return inst.isRetransformClassesSupported();
  }

  @Override
  public void retransformClasses(Class<?>... classes) throws UnmodifiableClassException {
    inst.retransformClasses(classes);
  }

  @Override
  public boolean isRedefineClassesSupported() {
    return inst.isRedefineClassesSupported();
  }

  @Override
  public void redefineClasses(ClassDefinition... definitions)
      throws ClassNotFoundException, UnmodifiableClassException {
    inst.redefineClasses(definitions);
  }

  @Override
  public boolean isModifiableClass(Class<?> theClass) {
    return inst.isModifiableClass(theClass);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class[] getAllLoadedClasses() {
    return inst.getAllLoadedClasses();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class[] getInitiatedClasses(ClassLoader loader) {
    return inst.getInitiatedClasses(loader);
  }

  @Override
  public long getObjectSize(Object objectToSize) {
    return inst.getObjectSize(objectToSize);
  }

  @Override
  public void appendToBootstrapClassLoaderSearch(JarFile jarfile) {
    inst.appendToBootstrapClassLoaderSearch(jarfile);
  }

  @Override
  public void appendToSystemClassLoaderSearch(JarFile jarfile) {
    inst.appendToSystemClassLoaderSearch(jarfile);
  }

  @Override
  public boolean isNativeMethodPrefixSupported() {
    return inst.isNativeMethodPrefixSupported();
  }

  @Override
  public void setNativeMethodPrefix(ClassFileTransformer transformer, String prefix) {
    inst.setNativeMethodPrefix(transformer, prefix);
  }

  @Override
  public void redefineModule(
      Module module,
      Set<Module> extraReads,
      Map<String, Set<Module>> extraExports,
      Map<String, Set<Module>> extraOpens,
      Set<Class<?>> extraUses,
      Map<Class<?>, List<Class<?>>> extraProvides) {
    inst.redefineModule(module, extraReads, extraExports, extraOpens, extraUses, extraProvides);
  }

  @Override
  public boolean isModifiableModule(Module module) {
    return inst.isModifiableModule(module);
  }
}
