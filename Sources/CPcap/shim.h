#include <pcap/pcap.h>

/* Swift does not import function-like macros or these DLT aliases everywhere: name the link types here. */
static const int reprise_dlt_null = DLT_NULL;
static const int reprise_dlt_en10mb = DLT_EN10MB;
static const int reprise_dlt_raw = DLT_RAW;
static const int reprise_dlt_loop = DLT_LOOP;
static const int reprise_dlt_linux_sll = DLT_LINUX_SLL;
static const int reprise_dlt_linux_sll2 = DLT_LINUX_SLL2;
static const int reprise_dlt_ipv4 = DLT_IPV4;
static const int reprise_dlt_ipv6 = DLT_IPV6;
