package org.sparkprop.trainer.kernel;

import java.util.function.Supplier;

/**
 * Chooses the CPU kernel once per JVM: the Vector API kernel when the
 * {@code jdk.incubator.vector} module is in the boot layer (JVM flag
 * {@code --add-modules=jdk.incubator.vector}), otherwise the plain-Java kernel. The system
 * property {@code sparkprop.kernel=java} forces the plain kernel.
 */
public final class Kernels {
  private static final boolean VECTOR_AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private static final Elementwise ELEMENTWISE = buildElementwise(selectedKind());

  private Kernels() {}

  /** The optimizers' update loops of the selected kind (stateless, shared). */
  public static Elementwise elementwise() {
    return ELEMENTWISE;
  }

  /** The update loops of a named kind: {@code "vector"} or {@code "java"}. */
  public static Elementwise elementwise(String kind) {
    return buildElementwise(kind);
  }

  private static Elementwise buildElementwise(String kind) {
    return build(kind, Elementwise.class, Elementwise.Plain::new, "VectorElementwise");
  }

  /** Whether the Vector API module is present in this JVM. */
  public static boolean vectorAvailable() {
    return VECTOR_AVAILABLE;
  }

  /** The kind {@link #newGemm()} builds here: {@code "vector"} or {@code "java"}. */
  public static String selectedKind() {
    boolean forcedJava = "java".equals(System.getProperty("sparkprop.kernel"));
    return VECTOR_AVAILABLE && !forcedJava ? "vector" : "java";
  }

  /** Why {@link #selectedKind()} chose what it chose, for the log. */
  public static String selectionReason() {
    if (!VECTOR_AVAILABLE) {
      return "jdk.incubator.vector is not in the boot layer (start the JVM with "
          + "--add-modules=jdk.incubator.vector for the fast kernel)";
    }
    return "java".equals(selectedKind()) ? "-Dsparkprop.kernel=java" : "Vector API present";
  }

  /** A new kernel of the selected kind, with its own workspace (one per thread). */
  public static Gemm newGemm() {
    return newGemm(selectedKind());
  }

  /** A new kernel of a named kind: {@code "vector"} or {@code "java"}. */
  public static Gemm newGemm(String kind) {
    return build(kind, Gemm.class, JavaGemm::new, "VectorGemm");
  }

  /**
   * The plain implementation for "java"; for "vector" the Vector API class of this package
   * named vectorClass, loaded by name so that this class loads without the incubator module.
   */
  private static <T> T build(String kind, Class<T> type, Supplier<T> plain,
      String vectorClass) {
    switch (kind) {
      case "java":
        return plain.get();
      case "vector":
        if (!VECTOR_AVAILABLE) {
          throw new IllegalStateException("vector kernel requested but " + selectionReason());
        }
        try {
          return type.cast(Class.forName(Kernels.class.getPackageName() + "." + vectorClass)
              .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot build " + vectorClass, e);
        }
      default:
        throw new IllegalArgumentException("unknown kernel '" + kind + "' (vector, java)");
    }
  }
}
