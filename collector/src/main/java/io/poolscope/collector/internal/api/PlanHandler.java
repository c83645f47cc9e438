package io.poolscope.collector.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.poolscope.collector.internal.plan.FleetApi;
import io.poolscope.collector.internal.plan.Plan;
import io.poolscope.collector.internal.plan.PlanCommand;
import io.poolscope.collector.internal.plan.PlanInputException;
import io.poolscope.collector.internal.plan.PlanJson;
import io.poolscope.collector.internal.plan.WhatIf;
import java.io.IOException;

/**
 * {@code POST /api/plan}: parses a change, plans it against the live fleet and answers with the
 * plan (JSON, or {@code ?format=text|markdown}). Reads only: nothing is stored.
 */
public final class PlanHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FleetApi.Source fleet;

  /** Plans against the fleet {@code read} serves, the same objects the read API answers with. */
  public PlanHandler(ReadService read) {
    this.fleet =
        new FleetApi.Source() {
          @Override
          public JsonNode overview() {
            return JSON.valueToTree(read.overview());
          }

          @Override
          public JsonNode database(String id) {
            try {
              return JSON.valueToTree(read.database(id));
            } catch (ApiException e) {
              // Gone between the two reads (its last pod left): nothing runs there any more.
              return JSON.createObjectNode();
            }
          }
        };
  }

  void plan(Context ctx) {
    String format = ctx.queryParam("format");
    if (format != null
        && !format.equals("json")
        && !format.equals("text")
        && !format.equals("markdown")) {
      throw ApiException.badRequest(
          "format must be json, text or markdown, not '" + clip(format) + "'");
    }
    JsonNode body;
    try {
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (JsonProcessingException e) {
      String m = String.valueOf(e.getOriginalMessage());
      int nl = m.indexOf('\n');
      throw ApiException.badRequest("body is not JSON: " + (nl > 0 ? m.substring(0, nl) : m));
    } catch (IOException e) {
      throw ApiException.badRequest("body cannot be read: " + e.getMessage());
    }
    Plan plan;
    try {
      plan = WhatIf.plan(WhatIf.parse(body), fleet);
    } catch (PlanInputException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    if (format == null || format.equals("json")) {
      ctx.json(PlanJson.of(plan));
    } else {
      ctx.contentType("text/plain; charset=utf-8").result(PlanCommand.render(plan, format));
    }
  }

  private static String clip(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
