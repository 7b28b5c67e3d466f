"""Two administrators uploading a new version of the same process at the same moment: each upload read the same
newest version and took the next number; the one that wrote second broke the (process, version) key and
answered 500. It is a 409 now (nothing of it kept, try again), and the versions stay numbered 1, 2, 3…"""
import io
import threading

from sqlalchemy import select

from db.models import ProcessVersion
from tests.web.api.test_upload_fits import FITS, PROCESS

UPLOADERS = 4
ROUNDS = 3  # each a new process: a round without a collision is possible, three in a row are not


def _upload_at_once(api, process_id: str) -> list[int]:
    """Every uploader sends its own version of the process (its step named apart) at the same moment."""
    token = api.token("admin1")
    barrier, statuses = threading.Barrier(UPLOADERS), [0] * UPLOADERS

    def upload(n: int) -> None:
        xml = PROCESS.format(**{**FITS, "process_id": process_id, "step_name": f"ส่งหนังสือ {n}"}).encode()
        client = api.app.test_client()
        barrier.wait()
        try:
            statuses[n] = client.post("/api/v1/processes", data={"files": [(io.BytesIO(xml), "letter.bpmn")]},
                                      content_type="multipart/form-data",
                                      headers={"Authorization": f"Bearer {token}"}).status_code
        except Exception:  # the test app raises what a server would answer with 500
            statuses[n] = 500

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_uploads_of_one_process_at_once_deploy_or_answer_409(api, services):
    for round_ in range(ROUNDS):
        process_id = f"letter_{round_}"
        statuses = _upload_at_once(api, process_id)
        assert set(statuses) <= {201, 409} and 201 in statuses, statuses
        with services.db.session() as s:
            versions = sorted(s.scalars(select(ProcessVersion.version)
                                        .where(ProcessVersion.process_id == process_id)))
        assert versions == list(range(1, statuses.count(201) + 1))
