package dev.bindery.server.http;

/** Request attribute names shared by the filters. */
final class Attributes {
  static final String REQUEST_ID = "bindery.request_id";
  static final String STARTED_NANOS = "bindery.started_nanos";
  static final String ERROR_CODE = "bindery.error_code";
  static final String ROUTE = "bindery.route";
  /** The {@link Access} of the matched route; decides whether a 401 carries a Bearer challenge. */
  static final String ACCESS = "bindery.access";
  static final String ERROR_RENDERER = "bindery.error_renderer";

  private Attributes() {}
}
