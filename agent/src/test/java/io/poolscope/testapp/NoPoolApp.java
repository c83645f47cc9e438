package io.poolscope.testapp;

/** A command-line tool that never touches JDBC: it prints and exits. */
public final class NoPoolApp {
  private NoPoolApp() {}

  public static void main(String[] argv) {
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }
}
