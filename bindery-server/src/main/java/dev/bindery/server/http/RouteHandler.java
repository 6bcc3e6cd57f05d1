package dev.bindery.server.http;

/** Handles one route; the {@link Call} has already authenticated the caller where the route needs it. */
@FunctionalInterface
public interface RouteHandler {
  void handle(Call call) throws Exception;
}
