package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * {@code poolscope plan}: reads manifests, completes them from a live collector when asked, and
 * prints the plan. Exit status 0 when every server fits, 1 when one does not, 2 when the check
 * cannot be made (bad manifest or option, unknown limit, unreachable collector), with one line on
 * standard error naming the file and line or the option.
 */
public final class PlanCommand {
  /** The exit status for a plan that fits. */
  public static final int FITS = 0;

  /** The exit status for a plan that does not fit. */
  public static final int DOES_NOT_FIT = 1;

  /** The exit status for input the check cannot use. */
  public static final int BAD_INPUT = 2;

  static final String USAGE =
      "usage: poolscope plan [--limit HOST:PORT=MAX[-RESERVED]]... [--collector URL]"
          + " [--format text|json|markdown] MANIFEST... (files, directories, or - for stdin)";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanCommand() {}

  /**
   * Runs the command; {@code env} reads environment variables ({@code POOLSCOPE_API_TOKEN}).
   *
   * @return the exit status
   */
  public static int run(
      String[] args,
      InputStream stdin,
      PrintStream out,
      PrintStream err,
      UnaryOperator<String> env) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.println(USAGE);
      out.println("exit status: 0 fits, 1 does not fit, 2 bad input; see collector/PLAN.md");
      return FITS;
    }
    try {
      Options o = Options.parse(args);
      List<Workload> workloads = ManifestReader.read(o.paths, stdin);
      if (workloads.isEmpty()) {
        throw new PlanInputException(
            String.join(" ", o.paths),
            "no Deployment or StatefulSet here declares a database pool (see the environment"
                + " variables and the poolscope.io/pools annotation in collector/PLAN.md)");
      }
      Map<ServerKey, Limit> limits = new TreeMap<>();
      List<Demand> demands;
      if (o.collector != null) {
        LiveFleet live =
            FleetApi.read(FleetApi.http(o.collector, env.apply("POOLSCOPE_API_TOKEN")));
        live.servers()
            .forEach(
                (key, s) -> {
                  if (s.limit() != null) {
                    limits.put(key, s.limit());
                  }
                });
        demands = FleetMerge.merge(workloads, live);
      } else {
        demands = new ArrayList<>();
        for (Workload w : workloads) {
          demands.addAll(Demand.of(w));
        }
      }
      limits.putAll(o.limits);
      Plan plan = PlanCalculator.plan(demands, limits);
      out.print(render(plan, o.format));
      out.flush();
      return plan.fits() ? FITS : DOES_NOT_FIT;
    } catch (PlanInputException e) {
      err.println("poolscope plan: " + e.getMessage());
      return BAD_INPUT;
    }
  }

  /** The plan in {@code format}: {@code text}, {@code json} or {@code markdown}. */
  public static String render(Plan plan, String format) {
    switch (format) {
      case "json":
        try {
          return JSON.writeValueAsString(PlanJson.of(plan)) + "\n";
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("a plan is always serialisable", e);
        }
      case "markdown":
        return PlanText.markdown(plan);
      default:
        return PlanText.text(plan);
    }
  }

  /** The command line, validated. */
  private static final class Options {
    final List<String> paths = new ArrayList<>();
    final Map<ServerKey, Limit> limits = new TreeMap<>();
    String collector;
    String format = "text";

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        switch (name) {
          case "--limit", "--collector", "--format" -> {
            if (value == null) {
              if (i + 1 >= args.length) {
                throw new PlanInputException(name, "needs a value; " + USAGE);
              }
              value = args[++i];
            }
            o.set(name, value);
          }
          default -> {
            if (a.startsWith("--")) {
              throw new PlanInputException(a, "unknown option; " + USAGE);
            }
            o.paths.add(a);
          }
        }
      }
      if (o.paths.isEmpty()) {
        throw new PlanInputException(null, "no manifests given; " + USAGE);
      }
      return o;
    }

    void set(String name, String value) {
      switch (name) {
        case "--limit" -> {
          int eq = value.indexOf('=');
          if (eq < 0) {
            throw new PlanInputException(
                "--limit", "'" + value + "' is not HOST:PORT=MAX[-RESERVED], e.g. pg:5432=500-3");
          }
          try {
            ServerKey key = ServerKey.parse(value.substring(0, eq));
            limits.put(key, Limit.parse(value.substring(eq + 1), "--limit"));
          } catch (IllegalArgumentException e) {
            throw new PlanInputException("--limit " + value, e.getMessage());
          }
        }
        case "--collector" -> collector = value;
        default -> {
          if (!List.of("text", "json", "markdown").contains(value)) {
            throw new PlanInputException(
                "--format", "'" + value + "' is not one of text, json, markdown");
          }
          format = value;
        }
      }
    }
  }
}
