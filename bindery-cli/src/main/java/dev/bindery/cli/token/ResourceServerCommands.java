package dev.bindery.cli.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery resource-server ...}: the audiences (RFC 8707 {@code resource}) tokens may be issued for. */
@Command(name = "resource-server", description = "Register and list resource servers (token audiences).",
    subcommands = {ResourceServerCommands.Create.class, ResourceServerCommands.ListResourceServers.class})
public final class ResourceServerCommands extends ClientGroup {
  public ResourceServerCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "create", description = "Register a resource server (POST /api/v1/resource-servers; admin).")
  static final class Create extends ApiCommand {
    @Parameters(paramLabel = "AUDIENCE", description = "Its audience: an absolute URI, compared exactly.")
    String audience;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Human name.")
    String name;

    @Option(names = "--identity", paramLabel = "ID", description = "The identity (nhi_...) the resource server"
        + " authenticates as to introspect tokens: it is answered only for tokens issued for its audiences.")
    String identity;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("audience", audience);
      body.put("name", name);
      if (identity != null) {
        body.put("identity_id", identity);
      }
      printer().resource(api().send(ApiRequest.post("resource-servers").body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List resource servers (GET /api/v1/resource-servers).")
  static final class ListResourceServers extends ApiCommand {
    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("resource-servers")).json(), Columns.RESOURCE_SERVERS);
      return ExitCodes.OK;
    }
  }
}
