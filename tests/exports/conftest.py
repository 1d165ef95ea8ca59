from tests.cases.conftest import make_report, users  # noqa: F401 - fixtures
from tests.persons.conftest import world  # noqa: F401 - fixtures
