package dev.bindery.cli.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.CliCommand;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.ClientOptions;
import dev.bindery.cli.ConnectionOptions;
import dev.bindery.cli.output.OutputFormat;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.pem.PemFiles;
import dev.bindery.cli.workload.ClientCertificate;
import dev.bindery.client.issuer.BinderyClientException;
import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.token.AccessToken;
import dev.bindery.client.token.BinderyTokenClient;
import dev.bindery.client.token.DPoPProofFactory;
import dev.bindery.client.token.OAuthErrorException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery token ...}: OAuth 2.0 access tokens from Bindery's authorization server. {@code get} is run by
 * a workload with its certificate (RFC 8705 mutual TLS, optionally DPoP, RFC 9449); {@code introspect}
 * (RFC 7662) by a client over mutual TLS or by an operator with a token; {@code revoke} by the client holding the
 * token (RFC 7009) or by an operator, one token by its jti or every token of an identity (operator API).
 */
@Command(name = "token", description = "Get, introspect and revoke OAuth 2.0 access tokens.",
    subcommands = {TokenCommands.Get.class, TokenCommands.Introspect.class, TokenCommands.Revoke.class})
public final class TokenCommands extends ClientGroup {
  private static final Pattern NHI_URI = Pattern.compile("spiffe://[^/]+/nhi/(nhi_[A-Za-z0-9_]+)");

  public TokenCommands(ClientContext context) {
    super(context);
  }

  /** The mutual TLS context presenting the chain in {@code certFile} with the key in {@code keyFile}. */
  static SSLContext mutualTls(ConnectionOptions connection, ClientContext context, Path keyFile, Path certFile) {
    List<X509Certificate> chain = PemFiles.readCertificates(certFile, "certificate file");
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    return connection.serverTrustWithClientCertificate(context, ClientCertificate.keyManagers(key, chain));
  }

  /** The identity id named by the certificate's Bindery URI SAN ({@code spiffe://<td>/nhi/<id>}). */
  static String clientIdOf(Path certFile) {
    X509Certificate leaf = PemFiles.readCertificates(certFile, "certificate file").get(0);
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> name : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(name.get(0))) {
            var m = NHI_URI.matcher(String.valueOf(name.get(1)));
            if (m.matches()) {
              return m.group(1);
            }
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw CliFailure.usage("cannot read the names of the certificate in " + certFile);
    }
    throw CliFailure.usage("the certificate in " + certFile + " names no Bindery identity (URI SAN"
        + " spiffe://<trust domain>/nhi/<id>); give --client-id");
  }

  @Command(name = "get", sortOptions = false, description = {
      "Get an access token (POST /oauth2/token, client_credentials) over mutual TLS with this workload's"
          + " certificate (--key, --cert), or with private_key_jwt (--private-key-jwt, --client-id); no operator"
          + " token is sent.",
      "The token is bound to the certificate (cnf.x5t#S256) or, with --dpop-key/--dpop, to a DPoP key"
          + " (cnf.jkt); with private_key_jwt and no DPoP key only an identity whose token policy allows unbound"
          + " tokens gets one. Prints the token; with --decode its header and claims; with --output json the"
          + " token response."})
  static final class Get extends CliCommand {
    @Mixin ConnectionOptions connection;

    @Option(names = "--key", paramLabel = "FILE", description = "The private key (PEM), with --cert.")
    Path keyFile;

    @Option(names = "--cert", paramLabel = "FILE",
        description = "The certificate (PEM), optionally followed by its chain, as 'enroll' writes it.")
    Path certFile;

    @Option(names = "--private-key-jwt", paramLabel = "FILE", description = "Authenticate with private_key_jwt"
        + " (RFC 7523) signed by this private key (PEM; EC P-256/P-384 or RSA), registered with 'public-key"
        + " register'; needs --client-id. Instead of --key and --cert.")
    Path assertionKeyFile;

    @Option(names = "--kid", paramLabel = "KID", description = "With --private-key-jwt: the key's RFC 7638"
        + " thumbprint, sent as kid (default: none; the server tries the identity's active keys).")
    String kid;

    @Option(names = "--client-id", paramLabel = "ID",
        description = "The identity id (default: from the certificate's spiffe://.../nhi/<id> name).")
    String clientId;

    @Option(names = "--scope", paramLabel = "SCOPE",
        description = "A scope to request; repeatable (default: all of the identity's scopes).")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--resource", paramLabel = "URI",
        description = "A registered resource server's audience (RFC 8707); repeatable.")
    List<String> resources = new ArrayList<>();

    @ArgGroup(exclusive = true)
    DPoPKey dpop;

    static final class DPoPKey {
      @Option(names = "--dpop-key", paramLabel = "FILE",
          description = "Bind the token to this EC P-256 private key (PEM) with a DPoP proof.")
      Path file;

      @Option(names = "--dpop", description = "Bind the token to a new DPoP key that is not kept (for tests:"
          + " the token cannot be used without the key).")
      boolean ephemeral;
    }

    @Option(names = "--decode", description = "Print the token's header and claims (JSON) instead of the token.")
    boolean decode;

    @Override
    protected OutputFormat outputFormat() {
      return connection.output();
    }

    @Override
    protected int run() {
      URI server = connection.server(context());
      if (!"https".equalsIgnoreCase(server.getScheme())) {
        throw CliFailure.usage("token get authenticates over TLS: --server must be an https:// URL");
      }
      if (decode && printer().isJson()) {
        throw CliFailure.usage("give either --decode or --output json, not both");
      }
      BinderyTokenClient.Builder builder = BinderyTokenClient.builder()
          .issuer(server.toString())
          .scopes(scopes.toArray(new String[0]))
          .resources(resources.toArray(new String[0]))
          .timeout(context().requestTimeout());
      if (assertionKeyFile != null) {
        if (keyFile != null || certFile != null) {
          throw CliFailure.usage("give either --private-key-jwt or --key and --cert, not both");
        }
        if (clientId == null) {
          throw CliFailure.usage("--private-key-jwt needs --client-id");
        }
        SSLContext trust = connection.serverTrust(context());
        try {
          builder.clientId(clientId).privateKeyJwt(PemFiles.readPrivateKey(assertionKeyFile), kid)
              .serverTrust(trust != null ? trust : SSLContext.getDefault());
        } catch (IllegalArgumentException e) {
          throw CliFailure.usage("--private-key-jwt: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new CliFailure(ExitCodes.SERVER_ERROR, "no default TLS context: " + e.getMessage());
        }
      } else {
        if (keyFile == null || certFile == null) {
          throw CliFailure.usage("give --key and --cert (mutual TLS), or --private-key-jwt with --client-id");
        }
        if (kid != null) {
          throw CliFailure.usage("--kid goes with --private-key-jwt");
        }
        builder.clientId(clientId != null ? clientId : clientIdOf(certFile))
            .mutualTls(mutualTls(connection, context(), keyFile, certFile));
      }
      if (dpop != null) {
        builder.dpop(dpop.ephemeral ? DPoPProofFactory.generate(Clock.systemUTC())
            : DPoPProofFactory.of(DPoPKeys.read(dpop.file), Clock.systemUTC()));
      }
      AccessToken token;
      try {
        token = builder.build().token();
      } catch (OAuthErrorException e) {
        throw new CliFailure(ExitCodes.REFUSED, e.error() + e.description().map(d -> ": " + d).orElse(""));
      } catch (IssuerUnavailableException e) {
        throw new CliFailure(ExitCodes.UNREACHABLE, "cannot get a token from " + server + ": " + e.getMessage());
      } catch (BinderyClientException | IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.SERVER_ERROR, e.getMessage());
      }
      if (printer().isJson()) {
        ObjectNode response = Json.object();
        response.put("access_token", token.value());
        response.put("token_type", token.type() == AccessToken.Type.DPOP ? "DPoP" : "Bearer");
        response.put("expires_in", Duration.between(token.obtainedAt(), token.expiresAt()).toSeconds());
        if (!token.scopes().isEmpty()) {
          response.put("scope", String.join(" ", token.scopes()));
        }
        printer().raw(Json.pretty(response));
      } else if (decode) {
        printer().raw(Json.pretty(decoded(token.value())));
      } else {
        printer().raw(token.value());
      }
      return ExitCodes.OK;
    }

    /** {"header": {...}, "claims": {...}} of a compact JWS, without checking its signature. */
    static JsonNode decoded(String jwt) {
      String[] parts = jwt.split("\\.", -1);
      if (parts.length != 3) {
        throw new CliFailure(ExitCodes.SERVER_ERROR, "the server's access token is not a compact JWS");
      }
      ObjectNode both = Json.object();
      try {
        both.set("header", Json.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)));
        both.set("claims", Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.SERVER_ERROR, "the server's access token is not base64url JSON");
      }
      return both;
    }
  }

  /** Client authentication for introspect and revoke: a certificate, else the operator token. */
  abstract static class OAuthCallCommand extends CliCommand {
    @Mixin ClientOptions options;

    @Option(names = "--key", paramLabel = "FILE", description = "Authenticate with this key (with --cert).")
    Path keyFile;

    @Option(names = "--cert", paramLabel = "FILE",
        description = "Authenticate over mutual TLS with this certificate instead of the operator token.")
    Path certFile;

    @Override
    protected OutputFormat outputFormat() {
      return options.output();
    }

    /** POSTs {@code token} (the TOKEN argument: a token, or '-' for standard input) as a form to {@code path}. */
    protected final JsonNode call(String path, String token) {
      return call(path, token, List.of());
    }

    /** POSTs {@code token} followed by {@code clientForm} (client authentication parameters) to {@code path}. */
    protected final JsonNode call(String path, String token, List<Map.Entry<String, String>> clientForm) {
      if ((keyFile == null) != (certFile == null)) {
        throw CliFailure.usage("give --key and --cert together");
      }
      String value = "-".equals(token) ? readStdin() : token.strip();
      if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw CliFailure.usage("TOKEN is not a token (empty, or has spaces or control characters)");
      }
      URI server = options.server(context());
      OAuthEndpoint endpoint = certFile != null
          ? OAuthEndpoint.mutualTls(server, mutualTls(options, context(), keyFile, certFile), context())
          : OAuthEndpoint.withOperatorToken(server, options.serverTrust(context()), options.token(context()),
              context());
      warnIfInClear(server, "the token");
      List<Map.Entry<String, String>> form = new ArrayList<>();
      form.add(Map.entry("token", value));
      form.addAll(clientForm);
      return endpoint.postForm(path, form);
    }

    private String readStdin() {
      try {
        return new String(context().stdin().readNBytes(64 * 1024), StandardCharsets.US_ASCII).strip();
      } catch (java.io.IOException e) {
        throw CliFailure.usage("cannot read the token from standard input: " + CliFailure.reason(e));
      }
    }
  }

  @Command(name = "introspect", description = {
      "Ask Bindery whether a token is active (POST /oauth2/introspect, RFC 7662).",
      "Authenticates with --key/--cert (an identity with the introspect scope, answered only for tokens issued"
          + " to its resource servers) or the operator token (answered for every token)."})
  static final class Introspect extends OAuthCallCommand {
    @Parameters(paramLabel = "TOKEN", description = "The access token; '-' reads it from standard input.")
    String token;

    @Override
    protected int run() {
      JsonNode answer = call("/oauth2/introspect", token);
      if (!answer.path("active").isBoolean()) {
        throw new CliFailure(ExitCodes.SERVER_ERROR, "the introspection answer has no boolean 'active'");
      }
      printer().resource(answer);
      return ExitCodes.OK;
    }
  }

  @Command(name = "revoke", sortOptions = false, description = {
      "Revoke access tokens, in one of three forms:",
      "  TOKEN --key K --cert C: as the client holding the token (POST /oauth2/revoke, RFC 7009). The server"
          + " answers the same for an unknown token or another client's.",
      "  --id JTI --reason R: as an operator, one token by its jti (POST /api/v1/tokens/{jti}/revoke; admin or"
          + " security_officer). Revoking a revoked token again answers its revocation unchanged.",
      "  --identity ID --reason R: as an operator, every token issued to the identity until now"
          + " (POST /api/v1/identities/{id}/tokens/revoke; owner, admin or security_officer). Tokens it gets"
          + " afterwards are accepted.",
      "An operator holding a leaked token itself reports it with 'bindery leak report'. Revoking a credential"
          + " ('bindery credential revoke') also revokes every token bound to it."})
  static final class Revoke extends OAuthCallCommand {
    @Parameters(arity = "0..1", paramLabel = "TOKEN",
        description = "The access token (with --key and --cert); '-' reads it from standard input.")
    String token;

    @Option(names = "--id", paramLabel = "JTI", description = "Revoke the token with this jti (tok_...).")
    String jti;

    @Option(names = "--identity", paramLabel = "ID", description = "Revoke every token of this identity (nhi_...).")
    String identity;

    @Option(names = "--client-id", paramLabel = "ID", description = "With --key/--cert: the identity id"
        + " (default: from the certificate's spiffe://.../nhi/<id> name).")
    String clientId;

    @Option(names = "--reason", paramLabel = "TEXT",
        description = "Why (with --id or --identity; kept in the audit log).")
    String reason;

    @Override
    protected int run() {
      if (clientId != null && certFile == null) {
        throw CliFailure.usage("--client-id goes with --key and --cert");
      }
      int forms = (token != null ? 1 : 0) + (jti != null ? 1 : 0) + (identity != null ? 1 : 0);
      if (forms != 1) {
        throw CliFailure.usage("give exactly one of TOKEN (with --key and --cert), --id JTI or --identity ID");
      }
      if (token != null) {
        if (certFile == null && keyFile == null) {
          throw CliFailure.usage("revoking a token by its value is the holding client's (RFC 7009): give --key"
              + " and --cert; as an operator, revoke it with --id JTI or report it with 'bindery leak report'");
        }
        if (reason != null) {
          throw CliFailure.usage("--reason goes with --id or --identity; RFC 7009 revocation takes none");
        }
        // the holder authenticates as at the token endpoint: RFC 8705 §2 requires client_id with mutual TLS
        call("/oauth2/revoke", token, certFile == null ? List.of()
            : List.of(Map.entry("client_id", clientId != null ? clientId : clientIdOf(certFile))));
        printer().done("token revoked (or unknown to the server)");
        return ExitCodes.OK;
      }
      if (keyFile != null || certFile != null) {
        throw CliFailure.usage("--key and --cert go with TOKEN; --id and --identity use the operator token");
      }
      if (reason == null || reason.isBlank()) {
        throw CliFailure.usage("--reason is required with --id and --identity");
      }
      ApiRequest request = jti != null ? ApiRequest.post("tokens", jti, "revoke")
          : ApiRequest.post("identities", identity, "tokens", "revoke");
      URI server = options.server(context());
      warnIfInClear(server, "the token");
      JsonNode answer = options.connect(context()).send(request.body(Json.object().put("reason", reason))).json();
      printer().outcome(answer, jti != null
          ? "token " + answer.path("jti").asText() + " revoked at " + answer.path("revoked_at").asText()
          : "every token of " + answer.path("identity_id").asText() + " issued at or before "
              + answer.path("revoked_at").asText() + " is revoked");
      return ExitCodes.OK;
    }
  }
}
