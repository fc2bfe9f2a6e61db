"""Runs every task of a DAG as Airflow 3's workers run it: `supervise_task` forks the task
process and the supervisor writes the task log file (BaseExecutor.run_workload's path), with
the in-process Execution API instead of an API server. `dag.test()` runs tasks in-process and
writes no task log file, so it cannot show what reaches one.

    python run_tasks.py DAG_ID      # with AIRFLOW_HOME, a migrated database and DAGS_FOLDER set
"""

import sys
from pathlib import Path

from airflow import settings
from airflow.dag_processing.bundles.manager import DagBundlesManager
from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
from airflow.executors import workloads
from airflow.executors.workloads import BundleInfo
from airflow.models.dagrun import DagRun, get_or_create_dagrun
from airflow.sdk import timezone
from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor, supervise_task
from airflow.serialization.serialized_objects import DagSerialization
from airflow.utils.state import DagRunState, TaskInstanceState
from airflow.utils.types import DagRunTriggeredByType, DagRunType

dag_id = sys.argv[1]
settings.configure_orm()
session = settings.Session()
manager = DagBundlesManager()
manager.sync_bundles_to_db(session=session)
session.commit()
for bundle in manager.get_all_dag_bundles():
    bundle.initialize()
    bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
    sync_bag_to_db(bag, bundle.name, bundle.version)
dag = bag.dags[dag_id]
sdag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
now = timezone.utcnow()
dr = get_or_create_dagrun(
    dag=sdag, start_date=now, logical_date=now, data_interval=None, run_after=now,
    run_id=DagRun.generate_run_id(run_type=DagRunType.MANUAL, logical_date=now, run_after=now),
    session=session, conf=None, triggered_by=DagRunTriggeredByType.TEST, triggering_user_name="tamis-test",
)
client = InProcessTestSupervisor._api_client(dag)
while dr.state == DagRunState.RUNNING:
    session.expire_all()
    tis, _ = dr.update_state(session=session)
    if not tis:
        break
    for ti in tis:
        ti.try_number += 1
        ti.state = TaskInstanceState.QUEUED
        session.commit()
        wl = workloads.ExecuteTask.make(ti, dag_rel_path=Path(dag.fileloc).relative_to(bag.dag_folder),
                                        bundle_info=BundleInfo(name="dags-folder"))
        rc = supervise_task(ti=wl.ti, bundle_info=wl.bundle_info, dag_rel_path=wl.dag_rel_path,
                            token="", log_path=wl.log_path, client=client)
        print(f"TASK {ti.task_id} exit={rc} log={wl.log_path}", flush=True)
session.expire_all()
dr = session.get(DagRun, dr.id)
print("DAGRUN", dr.state, flush=True)

# Read back as the API server does (FileTaskHandler._read, then REMOTE_TASK_LOG.read).
from airflow.utils.log.log_reader import TaskLogReader  # noqa: E402

reader = TaskLogReader()
for ti in dr.get_task_instances(session=session):
    lines, _ = reader.read_log_chunks(ti, ti.try_number, {})
    print("READBACK", ti.task_id, "".join(str(line) for line in lines).replace("\n", " "), flush=True)
