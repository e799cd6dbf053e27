from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from api.base import SchoolGenericAPIView
from api.serializers.schools import SchoolSerializer
from tenants.models import Domain, School


@extend_schema(tags=["本校"], summary="本校信息")
class SchoolProfileView(mixins.RetrieveModelMixin, SchoolGenericAPIView):
    """The current school's own row of the shared School table."""

    queryset = School.objects.all()
    school_field = "pk"
    serializer_class = SchoolSerializer

    def base_queryset(self):
        return School.objects.prefetch_related(Prefetch("domains", queryset=Domain.objects.order_by("id")))

    def get_object(self):
        return self.get_queryset().get()

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)
