package io.poolscope.collector.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan as plain text for a CI log, and as Markdown for a pull-request comment. Both say the
 * verdict first, then one table per server, then the per-pod pool max that would fit.
 */
public final class PlanText {
  private static final String[] HEAD = {
    "service",
    "replicas now/ceiling/rollout",
    "pools/pod",
    "max/pool",
    "at ceiling",
    "at rollout",
    "share",
    "max that fits",
    "from"
  };

  private PlanText() {}

  /** Plain text, columns aligned. */
  public static String text(Plan plan) {
    StringBuilder sb = new StringBuilder();
    sb.append("poolscope plan: ").append(verdict(plan)).append("\n");
    for (Plan.Server s : plan.servers()) {
      sb.append("\n").append(s.server()).append(" (").append(s.system()).append("): ");
      sb.append(serverVerdict(s)).append("\n\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(HEAD);
      for (Plan.Row r : s.rows()) {
        rows.add(cells(r));
      }
      rows.add(totals(s));
      int[] width = new int[HEAD.length];
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          width[i] = Math.max(width[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < row.length; i++) {
          boolean left = i == 0 || i == row.length - 1;
          String cell = row[i];
          String pad = " ".repeat(width[i] - cell.length());
          line.append(left ? cell + pad : pad + cell).append(i < row.length - 1 ? "  " : "");
        }
        sb.append(line.toString().stripTrailing()).append("\n");
      }
      List<String> notes = notes(s);
      if (!notes.isEmpty()) {
        sb.append("\n");
        for (String n : notes) {
          sb.append("  ").append(n).append("\n");
        }
      }
    }
    return sb.toString();
  }

  /** Markdown: a heading with the verdict, a table per server, the notes as a list. */
  public static String markdown(Plan plan) {
    StringBuilder sb = new StringBuilder();
    sb.append("### ")
        .append(plan.fits() ? "✅" : "❌")
        .append(" Poolscope plan: ")
        .append(verdict(plan))
        .append("\n");
    for (Plan.Server s : plan.servers()) {
      sb.append("\n**").append(md(s.server().toString())).append("** (").append(md(s.system()));
      sb.append("): ").append(serverVerdict(s)).append("\n\n");
      sb.append("| ");
      for (String h : HEAD) {
        sb.append(h).append(" | ");
      }
      sb.setLength(sb.length() - 1);
      sb.append("\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
      List<String[]> rows = new ArrayList<>();
      for (Plan.Row r : s.rows()) {
        rows.add(cells(r));
      }
      String[] total = totals(s);
      total[0] = "**total**";
      rows.add(total);
      for (String[] row : rows) {
        sb.append("|");
        for (int i = 0; i < row.length; i++) {
          sb.append(" ").append(i == 0 && row == total ? row[i] : md(row[i])).append(" |");
        }
        sb.append("\n");
      }
      List<String> notes = notes(s);
      if (!notes.isEmpty()) {
        sb.append("\n");
        for (String n : notes) {
          sb.append("- ").append(md(n)).append("\n");
        }
      }
    }
    return sb.toString();
  }

  static String verdict(Plan plan) {
    long over = plan.servers().stream().filter(s -> !s.fits()).count();
    if (over == 0) {
      return "fits (" + plural(plan.servers().size(), "server") + " checked)";
    }
    return "does NOT fit ("
        + over
        + " of "
        + plural(plan.servers().size(), "server")
        + " over its usable connections)";
  }

  private static String serverVerdict(Plan.Server s) {
    Limit l = s.limit();
    return (s.fits() ? "fits: " : "does NOT fit: ")
        + s.atRollout()
        + " connections at the rollout peak "
        + (s.fits() ? "<= " : "> ")
        + l.usable()
        + " usable (max_connections "
        + l.maxConnections()
        + " - "
        + l.reserved()
        + " reserved, from "
        + l.source()
        + ")";
  }

  private static String[] cells(Plan.Row r) {
    Demand d = r.demand();
    Integer max = d.maxPerPool();
    return new String[] {
      d.service(),
      d.now() + "/" + d.ceiling() + "/" + d.rollout(),
      Integer.toString(d.poolsPerPod()),
      max != null ? max.toString() : "mixed",
      Long.toString(r.atCeiling()),
      Long.toString(r.atRollout()),
      percent(r.share()),
      r.suggestedPoolMax() == null ? "-" : r.suggestedPoolMax().toString(),
      d.where()
    };
  }

  private static String[] totals(Plan.Server s) {
    return new String[] {
      "total",
      "",
      "",
      "",
      Long.toString(s.atCeiling()),
      Long.toString(s.atRollout()),
      percent(s.share()),
      "",
      ""
    };
  }

  private static List<String> notes(Plan.Server s) {
    List<String> out = new ArrayList<>();
    for (Plan.Row r : s.rows()) {
      Demand d = r.demand();
      for (PoolSpec p : d.pools()) {
        if (d.planned() && FleetMerge.FLEET.equals(p.where())) {
          out.add(
              d.service()
                  + ": pool "
                  + p.name()
                  + " (max "
                  + p.max()
                  + ", "
                  + p.perPod()
                  + " per pod) is not in the manifests; the live fleet runs it, so it is counted");
        }
      }
      if (r.suggestedPoolMax() != null && !s.fits()) {
        long pools = (long) d.rollout() * d.poolsPerPod();
        long others = s.atRollout() - r.atRollout();
        out.add(
            d.service()
                + ": "
                + (r.suggestedPoolMax() == 0
                    ? "does not fit even with 1 connection per pool"
                    : "fits with a max of " + r.suggestedPoolMax() + " per pool")
                + " (("
                + s.limit().usable()
                + " usable - "
                + others
                + " for the other services) / "
                + pools
                + " pools at the rollout peak)");
      }
    }
    return out;
  }

  private static String percent(Double share) {
    return share == null ? "-" : String.format(Locale.ROOT, "%.1f %%", share * 100);
  }

  private static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** Escapes what Markdown would read as markup: names come from manifests and agents. */
  static String md(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if ("\\`*_[]<>|#!~".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c == '\n' || c == '\r' ? ' ' : c);
    }
    return sb.toString();
  }
}
