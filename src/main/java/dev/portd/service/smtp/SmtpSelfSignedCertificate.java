package dev.portd.service.smtp;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The STARTTLS certificate made at start when none is configured: an EC P-256 key (fast to make)
 * and a certificate for the host name, localhost, 127.0.0.1 and ::1 as subject alternative names,
 * since clients check names against SANs (RFC 6125), not the CN. Built with BouncyCastle: the JDK
 * has no public API for it.
 */
record SmtpSelfSignedCertificate(X509Certificate certificate, PrivateKey key) {
    /** A year: long enough for a development sink, and a restart makes a new one. */
    static final Duration VALIDITY = Duration.ofDays(365);

    static SmtpSelfSignedCertificate make(String hostname) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", "_"));
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, hostname),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new SmtpSelfSignedCertificate(cert, pair.getPrivate());
        } catch (OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException("cannot sign the self-signed certificate: " + e.getMessage(), e);
        }
    }
}
