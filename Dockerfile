# The akhbar image: the `pipeline` library, Airflow 3.3.2 and the providers a CeleryExecutor
# deployment needs. Every Airflow component (compose services here, pods under the official
# Helm chart) runs this one image, so the code the DAG processor parses is the code the
# workers execute. DAGs and seeds are baked in for the Helm chart; compose mounts the
# working copies over them.
#
#   docker build -t akhbar-airflow:0.1.0 .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AKHBAR_SOURCES=/opt/akhbar/seeds/sources.yaml \
    ARROW_DEFAULT_MEMORY_POOL=system

# curl serves the health checks; tini reaps children and forwards SIGTERM so a Celery
# worker shuts down warm (finishes its tasks) instead of being killed mid-fetch.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl tini \
    && rm -rf /var/lib/apt/lists/*

# Same uid/gid convention as the official Airflow image (and its Helm chart defaults).
RUN useradd --uid 50000 --gid 0 --home-dir /opt/airflow --create-home airflow \
    && mkdir -p /opt/airflow/dags /opt/airflow/logs /opt/akhbar/data /opt/akhbar/seeds \
    && chown -R 50000:0 /opt/airflow /opt/akhbar

RUN python -m venv "$VIRTUAL_ENV"

# torch first, from the CPU-only index: requirements.lock pins torch==2.13.0+cpu, which the
# default index does not serve, and the CUDA build would add gigabytes for nothing. Its own
# dependencies come from the lock in the next step (--no-deps), like everything else.
RUN pip install --no-deps torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu

# The library and the providers in one resolve, every version pinned: requirements.lock for
# the library and Airflow core, deploy/airflow-extras.lock for what the providers add.
COPY requirements.lock pyproject.toml README.md /tmp/build/src/
COPY deploy/requirements-airflow.txt deploy/airflow-extras.lock /tmp/build/src/deploy/
COPY pipeline /tmp/build/src/pipeline
RUN cd /tmp/build/src \
    && pip install -c requirements.lock -c deploy/airflow-extras.lock \
        -r deploy/requirements-airflow.txt . \
    && pip check \
    && rm -rf /tmp/build

COPY --chown=50000:0 deploy/airflow-init.sh /opt/akhbar/deploy/airflow-init.sh
COPY --chown=50000:0 dags /opt/airflow/dags
COPY --chown=50000:0 seeds /opt/akhbar/seeds

USER 50000
WORKDIR /opt/akhbar/data
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["airflow", "version"]
