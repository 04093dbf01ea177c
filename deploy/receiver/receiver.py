"""A webhook receiver for docker compose: verifies Standard Webhooks signatures and logs deliveries."""
import base64, hashlib, hmac, http.server, os, time

SECRET = os.environ.get("WEBHOOK_SECRET", "")


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        wid, ts = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "0")
        verified = False
        if SECRET.startswith("whsec_"):
            key = base64.b64decode(SECRET[len("whsec_"):])
            expected = "v1," + base64.b64encode(hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
            verified = any(hmac.compare_digest(expected, s) for s in self.headers.get("webhook-signature", "").split())
            verified = verified and abs(time.time() - int(ts)) < 300
        print(f"delivery {wid} verified={verified} {body.decode()}", flush=True)
        self.send_response(204 if verified or not SECRET else 401)
        self.end_headers()


http.server.ThreadingHTTPServer(("0.0.0.0", 8090), Receiver).serve_forever()
