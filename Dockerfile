# Redline service image.
#   docker build -t redline .
#   docker run -p 8000:8000 -v redline-data:/data redline

# --- build stage: install the project and its dependencies into a venv -----
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
COPY . .
RUN pip install --no-cache-dir .

# --- runtime stage: venv only, no sources or build tools -----------------
FROM python:3.11-slim

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REDLINE_DATA_DIR=/data

RUN groupadd --system --gid 10001 redline \
 && useradd --system --uid 10001 --gid redline --home-dir /home/redline \
        --create-home --shell /usr/sbin/nologin redline \
 && mkdir -p /data \
 && chown redline:redline /data

COPY --from=build /opt/venv /opt/venv

WORKDIR /home/redline
USER 10001:10001

# Ownership is set above, before the volume is declared, so a fresh
# named volume starts out writable by the redline user.
VOLUME ["/data"]

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["redline", "serve", "--host", "0.0.0.0", "--port", "8000"]
