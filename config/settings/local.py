"""Developer machine: `make run`. SQLite and eager Celery unless DATABASE_URL / REDIS_URL say otherwise."""
from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=True)
