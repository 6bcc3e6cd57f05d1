package dev.bindery.server.http;

/** Handles a route that needs no Javalin feature (see {@link Exchange}). */
@FunctionalInterface
public interface ExchangeHandler {
  void handle(Exchange exchange) throws Exception;
}
