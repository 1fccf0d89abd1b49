package dev.attune.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where route groups declare their routes: each with its method, path and {@link Operation}, given
 * to Javalin as the route's role. Handlers of routes that need a key receive a {@link Call}.
 */
final class Routes {
  /** A declared route. */
  record Route(String method, String path, Operation operation) {}

  /** Handles one authorized request. */
  @FunctionalInterface
  interface CallHandler {
    void handle(Call call) throws Exception;
  }

  private final RoutesConfig javalin;
  private final long maxBodyBytes;
  private final List<Route> declared = new ArrayList<>();

  Routes(RoutesConfig javalin, long maxBodyBytes) {
    this.javalin = javalin;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** A route that performs {@code operation}: it needs a key that {@link AccessPolicy} admits. */
  void add(String method, String path, Operation operation, CallHandler handler) {
    if (operation == Operation.PUBLIC || operation == Operation.PROXY_CHAT) {
      throw new IllegalArgumentException(operation + " routes take a plain handler: " + path);
    }
    register(method, path, operation, ctx -> handler.handle(new Call(ctx, maxBodyBytes)));
  }

  /** A route anyone may call. */
  void open(String method, String path, Handler handler) {
    register(method, path, Operation.PUBLIC, handler);
  }

  /** A model-proxy route: it authenticates its caller itself ({@link Operation#PROXY_CHAT}). */
  void proxy(String path, Handler handler) {
    register("POST", path, Operation.PROXY_CHAT, handler);
  }

  /** A web page or its file: anyone may fetch it; not part of the API (nor of its document). */
  void page(String path, Handler handler) {
    javalin.addHttpHandler(HandlerType.GET, path, handler, Operation.PUBLIC);
  }

  private void register(String method, String path, Operation operation, Handler handler) {
    declared.add(new Route(method, path, operation));
    javalin.addHttpHandler(HandlerType.findOrCreate(method), path, handler, operation);
  }

  List<Route> declared() {
    return List.copyOf(declared);
  }
}
