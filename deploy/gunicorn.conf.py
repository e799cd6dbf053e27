import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# One thread per worker (gunicorn's sync worker): threads of one process take turns on the
# interpreter lock; on 2 cores, 2 × 1 answered 1.43× the requests/s of 2 × 4 threads with half the
# p95 (bench/RESULTS.md, issue #14 stop 25). Add workers, not threads, for concurrency.
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 60
accesslog = "-"
# Access logs carry paths only: personal data never travels in URLs here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
