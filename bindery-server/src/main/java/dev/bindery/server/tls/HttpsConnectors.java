package dev.bindery.server.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Builds the one HTTPS listener: TLS 1.2 and 1.3 only, client certificates wanted (not needed). */
public final class HttpsConnectors {
  private HttpsConnectors() {}

  public static ServerConnector create(Server server, HttpConfiguration base, TlsMaterial material, String host,
      int port) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(sslContext(material));
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    ssl.setWantClientAuth(true);
    ssl.setNeedClientAuth(false);

    HttpConfiguration https = new HttpConfiguration(base);
    https.setSendServerVersion(false);
    https.setSendXPoweredBy(false);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Clients reach the server by IP address too; the certificate's SANs are checked by clients, not here.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);

    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    connector.setName("https");
    return connector;
  }

  static SSLContext sslContext(TlsMaterial material) {
    try {
      // An in-memory key store: the password only satisfies the API and protects nothing on disk.
      char[] password = "in-memory".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", material.key(), password, material.chain().toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {material.clientTrustManager()}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }
}
