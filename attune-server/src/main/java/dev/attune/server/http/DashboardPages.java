package dev.attune.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's files, read from the jar once: the page, its script and style, and uPlot from its
 * WebJar. They need no key (the page asks for one and calls the API with it); they are web pages,
 * not API routes, so the API document leaves them out. A strict content security policy lets the
 * page run only its own files: nothing inline, nothing from elsewhere.
 */
final class DashboardPages {
  static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /** Path served, to its classpath resource and content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/dashboard", new String[] {"/dashboard/index.html", "text/html; charset=utf-8"},
          "/dashboard/dashboard.js",
              new String[] {"/dashboard/dashboard.js", "text/javascript; charset=utf-8"},
          "/dashboard/dashboard.css",
              new String[] {"/dashboard/dashboard.css", "text/css; charset=utf-8"},
          "/dashboard/vendor/uPlot.iife.min.js",
              new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/dashboard/vendor/uPlot.min.css",
              new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

  private DashboardPages() {}

  /** Registers every file as a GET route anyone may call. */
  static void declare(Routes r) {
    FILES.forEach(
        (path, file) -> {
          byte[] body = read(file[0]);
          String type = file[1];
          r.page(path, ctx -> serve(ctx, body, type));
        });
  }

  private static void serve(Context ctx, byte[] body, String type) {
    ctx.header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store")
        .contentType(type)
        .result(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = DashboardPages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the dashboard file " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
