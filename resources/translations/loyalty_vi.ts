<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN" sourcelanguage="en_US">
<context>
    <name>App</name>
    <message>
        <source>Cannot open the database</source>
        <translation>Không mở được cơ sở dữ liệu</translation>
    </message>
</context>
<context>
    <name>AppContext</name>
    <message>
        <source>Something went wrong: {error}

Details were written to the log: {log}</source>
        <translation>Đã xảy ra lỗi: {error}

Chi tiết đã được ghi vào nhật ký: {log}</translation>
    </message>
</context>
<context>
    <name>CampaignsPage</name>
    <message>
        <source>SMS campaigns</source>
        <translation>Chiến dịch SMS</translation>
    </message>
    <message>
        <source>Export recipient lists for your SMS gateway and measure the results.</source>
        <translation>Xuất danh sách người nhận cho cổng SMS và đo lường hiệu quả.</translation>
    </message>
    <message>
        <source>New campaign</source>
        <translation>Chiến dịch mới</translation>
    </message>
    <message>
        <source>History and results</source>
        <translation>Lịch sử và kết quả</translation>
    </message>
    <message>
        <source>1. Recipients</source>
        <translation>1. Người nhận</translation>
    </message>
    <message>
        <source>Send to (segments and tags)</source>
        <translation>Gửi đến (phân khúc và thẻ)</translation>
    </message>
    <message>
        <source>Leave out</source>
        <translation>Loại trừ</translation>
    </message>
    <message>
        <source>Choose at least one segment or tag</source>
        <translation>Chọn ít nhất một phân khúc hoặc thẻ</translation>
    </message>
    <message>
        <source>Opted out of SMS</source>
        <translation>Đã từ chối nhận SMS</translation>
    </message>
    <message>
        <source>No mobile number</source>
        <translation>Không có số di động</translation>
    </message>
    <message>
        <source>Messaged recently</source>
        <translation>Vừa nhận tin gần đây</translation>
    </message>
    <message>
        <source>Advertising cap (24 h)</source>
        <translation>Vượt giới hạn quảng cáo (24 giờ)</translation>
    </message>
    <message>
        <source>Left out by you</source>
        <translation>Bạn đã loại trừ</translation>
    </message>
    <message>
        <source>In several groups (sent once)</source>
        <translation>Trùng nhiều nhóm (chỉ gửi một lần)</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Xem</translation>
    </message>
    <message>
        <source>A random share of the recipients gets no message, so the results show what the campaign really added.</source>
        <translation>Một phần người nhận được chọn ngẫu nhiên sẽ không nhận tin, để kết quả cho thấy chiến dịch thực sự mang lại thêm bao nhiêu.</translation>
    </message>
    <message>
        <source> days</source>
        <translation> ngày</translation>
    </message>
    <message>
        <source>off</source>
        <translation>tắt</translation>
    </message>
    <message>
        <source>Leave out customers who got a message from another campaign in the last N days.</source>
        <translation>Bỏ qua khách đã nhận tin từ chiến dịch khác trong N ngày gần đây.</translation>
    </message>
    <message>
        <source>Advertising</source>
        <translation>Tin quảng cáo</translation>
    </message>
    <message>
        <source>Decree 91/2020: advertising SMS start with &quot;QC&quot;, end with opt-out instructions, go out between 07:00 and 22:00, at most one per phone per 24 h.</source>
        <translation>Nghị định 91/2020: tin quảng cáo bắt đầu bằng &quot;QC&quot;, kết thúc bằng hướng dẫn từ chối nhận tin, chỉ gửi từ 07:00 đến 22:00, tối đa một tin mỗi số trong 24 giờ.</translation>
    </message>
    <message>
        <source>Control group</source>
        <translation>Nhóm đối chứng</translation>
    </message>
    <message>
        <source>Given name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Anh/Chị</source>
        <translation>Anh/Chị</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Điểm</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Hạng</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>Mua gần nhất</translation>
    </message>
    <message>
        <source>Customer code</source>
        <translation>Mã KH</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>Tên cửa hàng</translation>
    </message>
    <message>
        <source>2. Message</source>
        <translation>2. Nội dung tin nhắn</translation>
    </message>
    <message>
        <source>Write the message; click a button above to insert a placeholder.</source>
        <translation>Soạn tin nhắn; bấm các nút phía trên để chèn trường thông tin.</translation>
    </message>
    <message>
        <source>Add &quot;QC&quot; at the start</source>
        <translation>Thêm &quot;QC&quot; ở đầu tin</translation>
    </message>
    <message>
        <source>Remove diacritics (bỏ dấu)</source>
        <translation>Bỏ dấu tiếng Việt</translation>
    </message>
    <message>
        <source>Without Vietnamese accents one SMS holds 160 characters instead of 70.</source>
        <translation>Không dấu, mỗi SMS chứa được 160 ký tự thay vì 70.</translation>
    </message>
    <message>
        <source>Opt-out text</source>
        <translation>Câu từ chối nhận tin</translation>
    </message>
    <message>
        <source>3. Preview for real recipients</source>
        <translation>3. Xem trước với người nhận thật</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>4. Export</source>
        <translation>4. Xuất tệp</translation>
    </message>
    <message>
        <source>Phone + message</source>
        <translation>SĐT + nội dung</translation>
    </message>
    <message>
        <source>Phone only</source>
        <translation>Chỉ SĐT</translation>
    </message>
    <message>
        <source>Name + phone + message</source>
        <translation>Tên + SĐT + nội dung</translation>
    </message>
    <message>
        <source>ZNS-style: phone + template parameters</source>
        <translation>Kiểu ZNS: SĐT + tham số mẫu</translation>
    </message>
    <message>
        <source>Excel (.xlsx)</source>
        <translation>Excel (.xlsx)</translation>
    </message>
    <message>
        <source>CSV, UTF-8 (.csv)</source>
        <translation>CSV, UTF-8 (.csv)</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Ngày gửi</translation>
    </message>
    <message>
        <source>Send at</source>
        <translation>Gửi lúc</translation>
    </message>
    <message>
        <source>Skip if messaged within</source>
        <translation>Bỏ qua nếu đã nhận tin trong</translation>
    </message>
    <message>
        <source>Split every</source>
        <translation>Chia tệp mỗi</translation>
    </message>
    <message>
        <source> rows</source>
        <translation> dòng</translation>
    </message>
    <message>
        <source>Gateway columns</source>
        <translation>Cột theo cổng SMS</translation>
    </message>
    <message>
        <source>Phone format</source>
        <translation>Định dạng SĐT</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>Campaign name</source>
        <translation>Tên chiến dịch</translation>
    </message>
    <message>
        <source>Campaign name, e.g. Birthday November</source>
        <translation>Tên chiến dịch, VD: Sinh nhật tháng 11</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Export list…</source>
        <translation>Xuất danh sách…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Mở thư mục</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Chiến dịch</translation>
    </message>
    <message>
        <source>{tag} ({n})</source>
        <translation>{tag} ({n})</translation>
    </message>
    <message>
        <source>No segments or tags yet</source>
        <translation>Chưa có phân khúc hoặc thẻ nào</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Phân khúc</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Đang đếm…</translation>
    </message>
    <message>
        <source>Could not count</source>
        <translation>Không đếm được</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Người nhận</translation>
    </message>
    <message>
        <source>recipients · {c} in the control group (no message)</source>
        <translation>người nhận · {c} trong nhóm đối chứng (không gửi tin)</translation>
    </message>
    <message>
        <source>Template error: {error}</source>
        <translation>Lỗi mẫu tin: {error}</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(chưa có tên)</translation>
    </message>
    <message>
        <source>The message for the selected recipient appears here.</source>
        <translation>Tin nhắn của người nhận đang chọn hiện ở đây.</translation>
    </message>
    <message>
        <source>GSM-7 (no accents)</source>
        <translation>GSM-7 (không dấu)</translation>
    </message>
    <message>
        <source>Unicode (UCS-2)</source>
        <translation>Unicode (UCS-2)</translation>
    </message>
    <message>
        <source>{name}: {chars} characters · {enc} · {parts} SMS</source>
        <translation>{name}: {chars} ký tự · {enc} · {parts} SMS</translation>
    </message>
    <message>
        <source>Advertising messages must start with &quot;QC&quot; (Decree 91/2020).</source>
        <translation>Tin quảng cáo phải bắt đầu bằng &quot;QC&quot; (Nghị định 91/2020).</translation>
    </message>
    <message>
        <source>The message has no opt-out instructions at the end (Decree 91/2020).</source>
        <translation>Tin nhắn chưa có hướng dẫn từ chối nhận tin ở cuối (Nghị định 91/2020).</translation>
    </message>
    <message>
        <source>The planned send time is outside 07:00–22:00, when advertising SMS are allowed.</source>
        <translation>Giờ gửi dự kiến nằm ngoài khung 07:00–22:00 được phép gửi tin quảng cáo.</translation>
    </message>
    <message>
        <source>Vietnamese accents make the SMS Unicode: 70 characters per SMS instead of 160. Remove diacritics to send fewer parts.</source>
        <translation>Tiếng Việt có dấu khiến SMS thành Unicode: 70 ký tự mỗi SMS thay vì 160. Bỏ dấu để gửi ít tin hơn.</translation>
    </message>
    <message>
        <source>{chars} characters · {enc} · {parts} SMS per message</source>
        <translation>{chars} ký tự · {enc} · {parts} SMS mỗi tin</translation>
    </message>
    <message>
        <source>Choose recipients to see the total cost.</source>
        <translation>Chọn người nhận để xem tổng chi phí.</translation>
    </message>
    <message>
        <source>Longest message: {chars} characters · {enc} · {parts} SMS</source>
        <translation>Tin dài nhất: {chars} ký tự · {enc} · {parts} SMS</translation>
    </message>
    <message>
        <source>Total {parts} SMS parts × {price} ≈ {cost}</source>
        <translation>Tổng {parts} SMS × {price} ≈ {cost}</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export SMS list</source>
        <translation>Xuất danh sách SMS</translation>
    </message>
    <message>
        <source>Fix the template first.</source>
        <translation>Hãy sửa mẫu tin trước.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Đang xuất…</translation>
    </message>
    <message>
        <source>Export cancelled: no file and no campaign were kept.</source>
        <translation>Đã hủy xuất: không giữ lại tệp hay chiến dịch nào.</translation>
    </message>
    <message>
        <source>Export failed.</source>
        <translation>Xuất tệp không thành công.</translation>
    </message>
    <message>
        <source>{n} files</source>
        <translation>{n} tệp</translation>
    </message>
    <message>
        <source>Exported {n} recipients to {where} (campaign #{id}).</source>
        <translation>Đã xuất {n} người nhận vào {where} (chiến dịch #{id}).</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Chiến dịch</translation>
    </message>
    <message>
        <source>No campaigns yet: export a list on the New campaign tab.</source>
        <translation>Chưa có chiến dịch: hãy xuất danh sách ở thẻ Chiến dịch mới.</translation>
    </message>
    <message>
        <source>Select a campaign</source>
        <translation>Chọn một chiến dịch</translation>
    </message>
    <message>
        <source>Purchases within</source>
        <translation>Đơn mua trong vòng</translation>
    </message>
    <message>
        <source> days after sending</source>
        <translation> ngày sau khi gửi</translation>
    </message>
    <message>
        <source>Re-export…</source>
        <translation>Xuất lại…</translation>
    </message>
    <message>
        <source>Import delivery report…</source>
        <translation>Nhập báo cáo gửi tin…</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Buyers</source>
        <translation>Người mua</translation>
    </message>
    <message>
        <source>Conversion</source>
        <translation>Tỷ lệ mua</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Doanh thu</translation>
    </message>
    <message>
        <source>Per customer</source>
        <translation>Mỗi khách</translation>
    </message>
    <message>
        <source>Got the SMS</source>
        <translation>Nhận SMS</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>advertising</source>
        <translation>quảng cáo</translation>
    </message>
    <message>
        <source>customer care</source>
        <translation>chăm sóc khách hàng</translation>
    </message>
    <message>
        <source>Sent {when} · {kind} · {parts} SMS parts, {cost} · file {file}</source>
        <translation>Gửi {when} · {kind} · {parts} SMS, {cost} · tệp {file}</translation>
    </message>
    <message>
        <source>No control group: the uplift cannot be measured for this campaign.</source>
        <translation>Không có nhóm đối chứng: không đo được mức tăng của chiến dịch này.</translation>
    </message>
    <message>
        <source>Uplift: {pp} percentage points of conversion; extra revenue ≈ {rev}.</source>
        <translation>Mức tăng: {pp} điểm phần trăm tỷ lệ mua; doanh thu tăng thêm ≈ {rev}.</translation>
    </message>
    <message>
        <source>(the {days}-day window is not over yet)</source>
        <translation>(chưa hết {days} ngày theo dõi)</translation>
    </message>
    <message>
        <source>Delivery report: {d} delivered, {f} failed, {u} unknown</source>
        <translation>Báo cáo gửi tin: {d} thành công, {f} thất bại, {u} chưa rõ</translation>
    </message>
    <message>
        <source>No delivery report imported.</source>
        <translation>Chưa nhập báo cáo gửi tin.</translation>
    </message>
    <message>
        <source>Conversion (%)</source>
        <translation>Tỷ lệ mua (%)</translation>
    </message>
    <message>
        <source>Revenue per customer (₫)</source>
        <translation>Doanh thu mỗi khách (₫)</translation>
    </message>
    <message>
        <source>No purchases in this window yet.</source>
        <translation>Chưa có đơn mua nào trong khoảng thời gian này.</translation>
    </message>
    <message>
        <source>Re-export SMS list</source>
        <translation>Xuất lại danh sách SMS</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Re-exported to {file}</source>
        <translation>Đã xuất lại vào {file}</translation>
    </message>
    <message>
        <source>Import delivery report</source>
        <translation>Nhập báo cáo gửi tin</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xls *.csv)</source>
        <translation>Bảng tính (*.xlsx *.xls *.csv)</translation>
    </message>
    <message>
        <source>Imported: {d} delivered, {f} failed, {n} phones not in this campaign</source>
        <translation>Đã nhập: {d} thành công, {f} thất bại, {n} số không thuộc chiến dịch này</translation>
    </message>
</context>
<context>
    <name>ChartCard</name>
    <message>
        <source>Save PNG</source>
        <translation>Lưu ảnh PNG</translation>
    </message>
    <message>
        <source>Save this chart as a PNG picture</source>
        <translation>Lưu biểu đồ này thành ảnh PNG</translation>
    </message>
    <message>
        <source>Calculating…</source>
        <translation>Đang tính…</translation>
    </message>
    <message>
        <source>No data for this chart yet.
Import your customers and sales to see it.</source>
        <translation>Chưa có dữ liệu cho biểu đồ này.
Hãy nhập danh sách khách hàng và hóa đơn bán hàng để xem.</translation>
    </message>
    <message>
        <source>Could not calculate this chart: {error}</source>
        <translation>Không tính được biểu đồ này: {error}</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Lưu biểu đồ</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>Ảnh PNG (*.png)</translation>
    </message>
</context>
<context>
    <name>ChoiceEditor</name>
    <message>
        <source>Choose a value</source>
        <translation>Chọn một giá trị</translation>
    </message>
</context>
<context>
    <name>ConditionRow</name>
    <message>
        <source>Drag to move this condition</source>
        <translation>Kéo để di chuyển điều kiện này</translation>
    </message>
    <message>
        <source>not</source>
        <translation>không</translation>
    </message>
    <message>
        <source>Customers who do NOT match this condition</source>
        <translation>Khách hàng KHÔNG thỏa điều kiện này</translation>
    </message>
    <message>
        <source>Only count purchases in this period</source>
        <translation>Chỉ tính các lần mua trong khoảng thời gian này</translation>
    </message>
    <message>
        <source>Delete this condition</source>
        <translation>Xóa điều kiện này</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>mọi lúc</translation>
    </message>
    <message>
        <source>last {n} days</source>
        <translation>{n} ngày qua</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Loyalty Desktop ran into an unexpected problem and could not finish what it was doing.

Your data is safe: unfinished changes were not saved.

What happened: {summary}

The details are in the log file:
{log}
If it happens again, please send this file to support.</source>
        <translation>Loyalty Desktop gặp sự cố ngoài dự kiến và không thể hoàn tất việc đang làm.

Dữ liệu của bạn vẫn an toàn: các thay đổi chưa xong đã không được lưu.

Chuyện gì đã xảy ra: {summary}

Chi tiết được ghi trong tệp nhật ký:
{log}
Nếu lỗi lặp lại, vui lòng gửi tệp này cho bộ phận hỗ trợ.</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Lỗi ngoài dự kiến</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Mở thư mục nhật ký</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>CustomerCardDialog</name>
    <message>
        <source>New customer</source>
        <translation>Khách hàng mới</translation>
    </message>
    <message>
        <source>Customer card</source>
        <translation>Thẻ khách hàng</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Điểm</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Hạng</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Số đơn</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>Mua gần nhất</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Không rõ</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/Thành</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Thông tin</translation>
    </message>
    <message>
        <source>‹ Newer</source>
        <translation>‹ Mới hơn</translation>
    </message>
    <message>
        <source>Older ›</source>
        <translation>Cũ hơn ›</translation>
    </message>
    <message>
        <source>Record a purchase…</source>
        <translation>Ghi nhận đơn hàng…</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Invoice</source>
        <translation>Hóa đơn</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Số tiền</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Danh mục</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Chi nhánh</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>Mua hàng</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>Gắn thẻ…</translation>
    </message>
    <message>
        <source>Remove tag…</source>
        <translation>Gỡ thẻ…</translation>
    </message>
    <message>
        <source>Saved segments this customer is in</source>
        <translation>Các phân khúc đã lưu có khách này</translation>
    </message>
    <message>
        <source>SMS consent history</source>
        <translation>Lịch sử đồng ý nhận SMS</translation>
    </message>
    <message>
        <source>Tags &amp;&amp; history</source>
        <translation>Thẻ &amp;&amp; lịch sử</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(chưa có tên)</translation>
    </message>
    <message>
        <source>Customer since {date}</source>
        <translation>Khách hàng từ {date}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>chưa mua</translation>
    </message>
    <message>
        <source>Group: {0}</source>
        <translation>Nhóm: {0}</translation>
    </message>
    <message>
        <source>No tags</source>
        <translation>Chưa có thẻ</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Không có</translation>
    </message>
    <message>
        <source>opted out</source>
        <translation>từ chối nhận SMS</translation>
    </message>
    <message>
        <source>opted back in</source>
        <translation>nhận SMS trở lại</translation>
    </message>
    <message>
        <source>No changes recorded</source>
        <translation>Chưa có thay đổi</translation>
    </message>
    <message>
        <source>Opted out of SMS</source>
        <translation>Đã từ chối nhận SMS</translation>
    </message>
    <message>
        <source>Receives SMS</source>
        <translation>Đang nhận SMS</translation>
    </message>
    <message>
        <source>Allow SMS again</source>
        <translation>Cho nhận SMS lại</translation>
    </message>
    <message>
        <source>Opt out of SMS</source>
        <translation>Ngừng gửi SMS</translation>
    </message>
    <message>
        <source>(cancelled)</source>
        <translation>(đã hủy)</translation>
    </message>
    <message>
        <source>Cancelled purchase: not counted in the totals</source>
        <translation>Đơn đã hủy: không tính vào tổng</translation>
    </message>
    <message>
        <source>{a}–{b} of {n} purchases</source>
        <translation>{a}–{b} trong {n} đơn hàng</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Đã lưu.</translation>
    </message>
    <message>
        <source>Please correct the highlighted fields.</source>
        <translation>Vui lòng sửa các ô được đánh dấu.</translation>
    </message>
    <message>
        <source>This phone number belongs to {name}.</source>
        <translation>Số điện thoại này thuộc về {name}.</translation>
    </message>
    <message>
        <source>A customer with this phone number already exists.</source>
        <translation>Đã có khách hàng dùng số điện thoại này.</translation>
    </message>
    <message>
        <source>Phone number already used</source>
        <translation>Số điện thoại đã được dùng</translation>
    </message>
    <message>
        <source>The phone number belongs to {name}. Are they the same person? You can merge the two customers: purchases and tags are kept.</source>
        <translation>Số điện thoại này thuộc về {name}. Đây có phải cùng một người? Bạn có thể gộp hai khách hàng: đơn hàng và thẻ đều được giữ lại.</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>Gắn thẻ</translation>
    </message>
    <message>
        <source>Remove tag</source>
        <translation>Gỡ thẻ</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>Thẻ:</translation>
    </message>
</context>
<context>
    <name>CustomerListDialog</name>
    <message>
        <source>{n} customers</source>
        <translation>{n} khách hàng</translation>
    </message>
    <message>
        <source>showing the first {n}</source>
        <translation>hiển thị {n} khách đầu tiên</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(chưa có tên)</translation>
    </message>
</context>
<context>
    <name>CustomerTableModel</name>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Tuổi</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/Thành</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Điểm</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Hạng</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Số đơn</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>Mua gần nhất</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>Ngày tham gia</translation>
    </message>
    <message>
        <source>SMS opt-out</source>
        <translation>Từ chối SMS</translation>
    </message>
    <message>
        <source>Opted out</source>
        <translation>Từ chối SMS</translation>
    </message>
</context>
<context>
    <name>CustomerTableView</name>
    <message>
        <source>Columns</source>
        <translation>Cột hiển thị</translation>
    </message>
    <message>
        <source>Reset columns</source>
        <translation>Khôi phục cột mặc định</translation>
    </message>
</context>
<context>
    <name>CustomersPage</name>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Search name or phone: nguyen van a, 0912…</source>
        <translation>Tìm tên hoặc số điện thoại: nguyen van a, 0912…</translation>
    </message>
    <message>
        <source>Add customer</source>
        <translation>Thêm khách hàng</translation>
    </message>
    <message>
        <source>All provinces</source>
        <translation>Mọi tỉnh/thành</translation>
    </message>
    <message>
        <source>Any gender</source>
        <translation>Mọi giới tính</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Không rõ</translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation>Mọi thẻ</translation>
    </message>
    <message>
        <source>Has purchases</source>
        <translation>Đã mua hàng</translation>
    </message>
    <message>
        <source>No purchases</source>
        <translation>Chưa mua hàng</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>Lọc:</translation>
    </message>
    <message>
        <source>Any purchases</source>
        <translation>Mua hàng: tất cả</translation>
    </message>
    <message>
        <source>Any SMS status</source>
        <translation>SMS: tất cả</translation>
    </message>
    <message>
        <source>Opted out</source>
        <translation>Từ chối SMS</translation>
    </message>
    <message>
        <source>Not opted out</source>
        <translation>Đang nhận SMS</translation>
    </message>
    <message>
        <source>All customers</source>
        <translation>Mọi khách hàng</translation>
    </message>
    <message>
        <source>Show only the customers of a saved segment</source>
        <translation>Chỉ hiện khách hàng thuộc một phân khúc đã lưu</translation>
    </message>
    <message>
        <source>Remove this filter</source>
        <translation>Bỏ bộ lọc này</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Xóa lọc</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Hoàn tác</translation>
    </message>
    <message>
        <source>Add tag…</source>
        <translation>Gắn thẻ…</translation>
    </message>
    <message>
        <source>More actions</source>
        <translation>Thao tác khác</translation>
    </message>
    <message>
        <source>Remove tag…</source>
        <translation>Gỡ thẻ…</translation>
    </message>
    <message>
        <source>Set SMS opt-out</source>
        <translation>Đánh dấu từ chối SMS</translation>
    </message>
    <message>
        <source>Allow SMS again</source>
        <translation>Cho nhận SMS lại</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>Xuất ra Excel…</translation>
    </message>
    <message>
        <source>Open customer card</source>
        <translation>Mở thẻ khách hàng</translation>
    </message>
    <message>
        <source>Merge two customers…</source>
        <translation>Gộp hai khách hàng…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Xóa…</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Cột hiển thị</translation>
    </message>
    <message>
        <source>Rule filter</source>
        <translation>Lọc theo điều kiện</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>đang đếm…</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s)</source>
        <translation>
            <numerusform>%n khách hàng</numerusform>
        </translation>
    </message>
    <message>
        <source>All {n} matching customers selected</source>
        <translation>Đã chọn tất cả {n} khách hàng phù hợp</translation>
    </message>
    <message>
        <source>{n} selected</source>
        <translation>Đã chọn {n}</translation>
    </message>
    <message>
        <source>Select rows with Click, Shift+Click or Ctrl+Click; double-click opens the card</source>
        <translation>Chọn dòng bằng Click, Shift+Click hoặc Ctrl+Click; nhấp đúp để mở thẻ khách hàng</translation>
    </message>
    <message>
        <source>Select all {n} matching</source>
        <translation>Chọn tất cả {n} khách phù hợp</translation>
    </message>
    <message>
        <source>Tag (type a new name to create it):</source>
        <translation>Thẻ (gõ tên mới để tạo thẻ):</translation>
    </message>
    <message>
        <source>Tag:</source>
        <translation>Thẻ:</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>Gắn thẻ</translation>
    </message>
    <message>
        <source>Remove tag</source>
        <translation>Gỡ thẻ</translation>
    </message>
    <message>
        <source>Delete customers</source>
        <translation>Xóa khách hàng</translation>
    </message>
    <message>
        <source>Delete {n} customers with their purchases and history? This cannot be undone.</source>
        <translation>Xóa {n} khách hàng cùng đơn hàng và lịch sử của họ? Không thể hoàn tác.</translation>
    </message>
    <message>
        <source>Tagged {n} customers “{tag}”.</source>
        <translation>Đã gắn thẻ “{tag}” cho {n} khách hàng.</translation>
    </message>
    <message>
        <source>Removed “{tag}” from {n} customers.</source>
        <translation>Đã gỡ thẻ “{tag}” khỏi {n} khách hàng.</translation>
    </message>
    <message>
        <source>{n} customers opted out of SMS.</source>
        <translation>{n} khách hàng đã được đánh dấu từ chối SMS.</translation>
    </message>
    <message>
        <source>{n} customers accept SMS again.</source>
        <translation>{n} khách hàng nhận SMS trở lại.</translation>
    </message>
    <message>
        <source>Deleted {n} customers.</source>
        <translation>Đã xóa {n} khách hàng.</translation>
    </message>
    <message>
        <source>Undone: {n} customers changed back.</source>
        <translation>Đã hoàn tác: {n} khách hàng được khôi phục.</translation>
    </message>
    <message>
        <source>Export customers to Excel</source>
        <translation>Xuất khách hàng ra Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Tệp Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/Thành</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Điểm</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>Hạng</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Số đơn</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>Mua gần nhất</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <source>SMS opt-out</source>
        <translation>Từ chối SMS</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <source>Exported {n} customers to {file}.</source>
        <translation>Đã xuất {n} khách hàng ra {file}.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Xuất dữ liệu</translation>
    </message>
    <message>
        <source>Merge customers</source>
        <translation>Gộp khách hàng</translation>
    </message>
    <message>
        <source>Select exactly two customers to merge.</source>
        <translation>Hãy chọn đúng hai khách hàng để gộp.</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Dashboard</source>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <source>Your customers and sales at a glance</source>
        <translation>Khách hàng và doanh số của bạn trong một màn hình</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Recalculate every figure from the data</source>
        <translation>Tính lại mọi số liệu từ dữ liệu</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>Xuất PDF…</translation>
    </message>
    <message>
        <source>Export Excel…</source>
        <translation>Xuất Excel…</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Bought in the last 90 days</source>
        <translation>Có mua trong 90 ngày qua</translation>
    </message>
    <message>
        <source>New this month (first purchase)</source>
        <translation>Khách mới tháng này (mua lần đầu)</translation>
    </message>
    <message>
        <source>Revenue this month</source>
        <translation>Doanh thu tháng này</translation>
    </message>
    <message>
        <source>Repeat-purchase rate</source>
        <translation>Tỷ lệ mua lại</translation>
    </message>
    <message>
        <source>Opted out of SMS</source>
        <translation>Đã từ chối nhận SMS</translation>
    </message>
    <message>
        <source>Revenue and buying customers by month (last 24 months)</source>
        <translation>Doanh thu và khách mua theo tháng (24 tháng gần nhất)</translation>
    </message>
    <message>
        <source>Customers by segment</source>
        <translation>Khách hàng theo nhóm</translation>
    </message>
    <message>
        <source>RFM grid: recency × frequency</source>
        <translation>Ma trận RFM: gần đây × tần suất</translation>
    </message>
    <message>
        <source>Revenue by category</source>
        <translation>Doanh thu theo ngành hàng</translation>
    </message>
    <message>
        <source>Revenue by sales channel</source>
        <translation>Doanh thu theo kênh bán</translation>
    </message>
    <message>
        <source>Customers and revenue by province (top 15)</source>
        <translation>Khách hàng và doanh thu theo tỉnh/thành (top 15)</translation>
    </message>
    <message>
        <source>By region</source>
        <translation>Theo vùng miền</translation>
    </message>
    <message>
        <source>Age and gender</source>
        <translation>Độ tuổi và giới tính</translation>
    </message>
    <message>
        <source>{share} of customers</source>
        <translation>{share} tổng số khách</translation>
    </message>
    <message>
        <source>Last month: {value}</source>
        <translation>Tháng trước: {value}</translation>
    </message>
    <message>
        <source>of {n} buyers</source>
        <translation>trong {n} khách đã mua</translation>
    </message>
    <message>
        <source>No sales last month</source>
        <translation>Tháng trước chưa có doanh thu</translation>
    </message>
    <message>
        <source>{change} vs same days last month</source>
        <translation>{change} so với cùng kỳ tháng trước</translation>
    </message>
    <message>
        <source>{n} customers</source>
        <translation>{n} khách hàng</translation>
    </message>
    <message>
        <source>No customers yet: import your list or try the demo data.</source>
        <translation>Chưa có khách hàng: hãy nhập danh sách hoặc dùng thử dữ liệu mẫu.</translation>
    </message>
    <message>
        <source>Export dashboard</source>
        <translation>Xuất báo cáo tổng quan</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>Tài liệu PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Tệp Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>Writing {file}…</source>
        <translation>Đang ghi {file}…</translation>
    </message>
    <message>
        <source>Customer report</source>
        <translation>Báo cáo khách hàng</translation>
    </message>
    <message>
        <source>Saved {file}</source>
        <translation>Đã lưu {file}</translation>
    </message>
</context>
<context>
    <name>DaysEditor</name>
    <message>
        <source> days</source>
        <translation> ngày</translation>
    </message>
</context>
<context>
    <name>FieldPalette</name>
    <message>
        <source>Conditions</source>
        <translation>Điều kiện</translation>
    </message>
    <message>
        <source>Drag onto the rule, or double-click</source>
        <translation>Kéo thả vào quy tắc, hoặc nhấp đúp</translation>
    </message>
    <message>
        <source>Find a condition…</source>
        <translation>Tìm điều kiện…</translation>
    </message>
    <message>
        <source>Drag into a group, or double-click to add it to the selected group</source>
        <translation>Kéo vào một nhóm, hoặc nhấp đúp để thêm vào nhóm đang chọn</translation>
    </message>
</context>
<context>
    <name>GroupBox</name>
    <message>
        <source>Drag to move this group</source>
        <translation>Kéo để di chuyển nhóm này</translation>
    </message>
    <message>
        <source>Customers who match</source>
        <translation>Khách hàng thỏa</translation>
    </message>
    <message>
        <source>All conditions (AND)</source>
        <translation>Tất cả điều kiện (AND)</translation>
    </message>
    <message>
        <source>Any condition (OR)</source>
        <translation>Bất kỳ điều kiện nào (OR)</translation>
    </message>
    <message>
        <source>does not match</source>
        <translation>không thỏa</translation>
    </message>
    <message>
        <source>Customers who do NOT match this group</source>
        <translation>Khách hàng KHÔNG thỏa nhóm này</translation>
    </message>
    <message>
        <source>+ Condition</source>
        <translation>+ Điều kiện</translation>
    </message>
    <message>
        <source>Add a condition to this group</source>
        <translation>Thêm điều kiện vào nhóm này</translation>
    </message>
    <message>
        <source>+ Group</source>
        <translation>+ Nhóm</translation>
    </message>
    <message>
        <source>Add a sub-group (to mix AND and OR)</source>
        <translation>Thêm nhóm con (để kết hợp AND và OR)</translation>
    </message>
    <message>
        <source>Delete this group and its conditions</source>
        <translation>Xóa nhóm này cùng các điều kiện của nó</translation>
    </message>
    <message>
        <source>Drag a condition here from the list on the left, or use “+ Condition”</source>
        <translation>Kéo điều kiện từ danh sách bên trái vào đây, hoặc bấm “+ Điều kiện”</translation>
    </message>
</context>
<context>
    <name>GroupsDialog</name>
    <message>
        <source>Tag groups</source>
        <translation>Nhóm thẻ</translation>
    </message>
    <message>
        <source>A group gathers related tags, e.g. “Hạng thành viên”: Bạc, Vàng, Kim cương. Segments can then ask for “has any tag of the group”. To put a tag into a group, use “Move to group…” on the Tags page.</source>
        <translation>Nhóm gom các thẻ liên quan, ví dụ “Hạng thành viên”: Bạc, Vàng, Kim cương. Phân khúc có thể dùng điều kiện “có thẻ bất kỳ trong nhóm”. Để đưa một thẻ vào nhóm, dùng “Chuyển vào nhóm…” trên trang Thẻ.</translation>
    </message>
    <message>
        <source>Group and its tags</source>
        <translation>Nhóm và các thẻ</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Số thẻ</translation>
    </message>
    <message>
        <source>New group…</source>
        <translation>Nhóm mới…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Đổi tên…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Xóa…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>no tags yet</source>
        <translation>chưa có thẻ nào</translation>
    </message>
    <message>
        <source>No groups yet. Create one with “New group…”.</source>
        <translation>Chưa có nhóm nào. Tạo nhóm bằng “Nhóm mới…”.</translation>
    </message>
    <message>
        <source>Group name:</source>
        <translation>Tên nhóm:</translation>
    </message>
    <message>
        <source>A group named “{name}” already exists (names ignore case and accents).</source>
        <translation>Đã có nhóm tên “{name}” (tên không phân biệt hoa thường và dấu).</translation>
    </message>
    <message>
        <source>New tag group</source>
        <translation>Nhóm thẻ mới</translation>
    </message>
    <message>
        <source>Rename tag group</source>
        <translation>Đổi tên nhóm thẻ</translation>
    </message>
    <message>
        <source>Delete the group “{name}”? Its {n} tag(s) are kept, without a group; customers keep their tags.</source>
        <translation>Xóa nhóm “{name}”? {n} thẻ của nhóm vẫn được giữ lại (không thuộc nhóm nào); khách hàng vẫn giữ các thẻ đó.</translation>
    </message>
    <message>
        <source>Delete the empty group “{name}”?</source>
        <translation>Xóa nhóm trống “{name}”?</translation>
    </message>
    <message>
        <source>Delete tag group</source>
        <translation>Xóa nhóm thẻ</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import from Excel</source>
        <translation>Nhập từ Excel</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>What does the file hold?</source>
        <translation>Tệp chứa gì?</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Sales / invoices</source>
        <translation>Đơn hàng / hóa đơn</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>Choose an Excel or CSV file…</source>
        <translation>Chọn tệp Excel hoặc CSV…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Chọn tệp…</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>Trang tính</translation>
    </message>
    <message>
        <source>Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files. Exports from KiotViet and Sapo are recognised; for your own sheet the columns are matched by their titles and you can correct them in the next step. One customer per phone number: repeated phone numbers are merged.</source>
        <translation>Tệp Excel (.xlsx, .xls), OpenDocument (.ods) và CSV. Tệp xuất từ KiotViet và Sapo được nhận diện tự động; với bảng tự lập, các cột được ghép theo tiêu đề và bạn có thể sửa ở bước sau. Mỗi số điện thoại là một khách hàng: các dòng trùng số sẽ được gộp lại.</translation>
    </message>
    <message>
        <source>Choose the file to import</source>
        <translation>Chọn tệp cần nhập</translation>
    </message>
    <message>
        <source>Spreadsheets</source>
        <translation>Bảng tính</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>Tất cả các tệp</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>Đang đọc tệp…</translation>
    </message>
    <message>
        <source>columns matched by their titles</source>
        <translation>cột được ghép theo tiêu đề</translation>
    </message>
    <message>
        <source>Sheet “{sheet}”: header on row {row}, about {rows} rows ({source}).</source>
        <translation>Trang tính “{sheet}”: tiêu đề ở dòng {row}, khoảng {rows} dòng ({source}).</translation>
    </message>
    <message>
        <source>Columns in the file — choose what each one holds:</source>
        <translation>Các cột trong tệp — chọn nội dung của từng cột:</translation>
    </message>
    <message>
        <source>How the first rows will be imported (problems in red):</source>
        <translation>Những dòng đầu sẽ được nhập như sau (lỗi tô đỏ):</translation>
    </message>
    <message>
        <source>The file wins when a customer&apos;s details differ</source>
        <translation>Lấy thông tin trong tệp khi khác với dữ liệu hiện có</translation>
    </message>
    <message>
        <source>Off: customers already in the app only get their empty fields filled. On: values from the file replace different ones. Tags are only ever added.</source>
        <translation>Tắt: khách hàng đã có chỉ được điền các ô còn trống. Bật: giá trị trong tệp thay cho giá trị khác hiện có. Thẻ chỉ được thêm, không bao giờ bị xóa.</translation>
    </message>
    <message>
        <source>Put other columns into the note</source>
        <translation>Đưa các cột khác vào ghi chú</translation>
    </message>
    <message>
        <source>Award points for these sales</source>
        <translation>Cộng điểm cho các đơn này</translation>
    </message>
    <message>
        <source>A POS export&apos;s points already include past sales: tick only if these sales earned no points yet.</source>
        <translation>Điểm trong tệp xuất từ phần mềm bán hàng đã gồm điểm của các đơn cũ: chỉ chọn khi các đơn này chưa được tích điểm.</translation>
    </message>
    <message>
        <source>Remember this mapping</source>
        <translation>Ghi nhớ cách ghép cột này</translation>
    </message>
    <message>
        <source>Dry run (write nothing)</source>
        <translation>Chạy thử (không ghi dữ liệu)</translation>
    </message>
    <message>
        <source>(no title)</source>
        <translation>(không có tiêu đề)</translation>
    </message>
    <message>
        <source>Import as</source>
        <translation>Nhập thành</translation>
    </message>
    <message>
        <source>— ignore —</source>
        <translation>— bỏ qua —</translation>
    </message>
    <message>
        <source>Recognised: {name}.</source>
        <translation>Đã nhận diện: {name}.</translation>
    </message>
    <message>
        <source>Header on row {row}; about {rows} rows to import.</source>
        <translation>Tiêu đề ở dòng {row}; khoảng {rows} dòng cần nhập.</translation>
    </message>
    <message>
        <source>{count} of the rows below have problems (in red).</source>
        <translation>{count} dòng bên dưới có vấn đề (tô đỏ).</translation>
    </message>
    <message>
        <source>Choose the column for: {fields}.</source>
        <translation>Hãy chọn cột cho: {fields}.</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Vấn đề</translation>
    </message>
    <message>
        <source>Province as written</source>
        <translation>Tỉnh như trong tệp</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Miền</translation>
    </message>
    <message>
        <source>Rejected: </source>
        <translation>Bị loại: </translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Không rõ</translation>
    </message>
    <message>
        <source>North</source>
        <translation>Miền Bắc</translation>
    </message>
    <message>
        <source>Central</source>
        <translation>Miền Trung</translation>
    </message>
    <message>
        <source>South</source>
        <translation>Miền Nam</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Đã hủy</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Đang nhập…</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>Hủy nhập</translation>
    </message>
    <message>
        <source>Nothing is saved until the import finishes: cancelling leaves your data as it was.</source>
        <translation>Chưa có gì được lưu cho đến khi nhập xong: hủy sẽ giữ nguyên dữ liệu như trước.</translation>
    </message>
    <message>
        <source>Reading the file</source>
        <translation>Đang đọc tệp</translation>
    </message>
    <message>
        <source>Reading rows</source>
        <translation>Đang đọc các dòng</translation>
    </message>
    <message>
        <source>Matching existing customers</source>
        <translation>Đang đối chiếu khách hàng đã có</translation>
    </message>
    <message>
        <source>Writing customers</source>
        <translation>Đang ghi khách hàng</translation>
    </message>
    <message>
        <source>Indexing customers</source>
        <translation>Đang lập chỉ mục khách hàng</translation>
    </message>
    <message>
        <source>Indexing for search</source>
        <translation>Đang lập chỉ mục tìm kiếm</translation>
    </message>
    <message>
        <source>Creating statistics rows</source>
        <translation>Đang tạo dữ liệu thống kê</translation>
    </message>
    <message>
        <source>Writing tags</source>
        <translation>Đang ghi thẻ</translation>
    </message>
    <message>
        <source>Indexing purchases</source>
        <translation>Đang lập chỉ mục đơn hàng</translation>
    </message>
    <message>
        <source>Updating the sales rollup</source>
        <translation>Đang cập nhật tổng hợp doanh thu</translation>
    </message>
    <message>
        <source>Updating statistics</source>
        <translation>Đang cập nhật thống kê</translation>
    </message>
    <message>
        <source>Looking for invoices already imported</source>
        <translation>Đang tìm hóa đơn đã nhập trước đó</translation>
    </message>
    <message>
        <source>Matching customers</source>
        <translation>Đang đối chiếu khách hàng</translation>
    </message>
    <message>
        <source>Writing purchases</source>
        <translation>Đang ghi đơn hàng</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>Đang lưu</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>Đã hủy: không có gì thay đổi.</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was changed.</source>
        <translation>Đã hủy nhập: không có gì thay đổi.</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>Nhập không thành công</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Dòng</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Cột</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Giá trị</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>Lưu báo cáo…</translation>
    </message>
    <message>
        <source>Rows read</source>
        <translation>Dòng đã đọc</translation>
    </message>
    <message>
        <source>New customers</source>
        <translation>Khách hàng mới</translation>
    </message>
    <message>
        <source>Customers updated</source>
        <translation>Khách hàng được cập nhật</translation>
    </message>
    <message>
        <source>Duplicate rows merged</source>
        <translation>Dòng trùng đã gộp</translation>
    </message>
    <message>
        <source>Rows rejected</source>
        <translation>Dòng bị loại</translation>
    </message>
    <message>
        <source>Purchases added</source>
        <translation>Đơn hàng đã thêm</translation>
    </message>
    <message>
        <source>Already imported (skipped)</source>
        <translation>Đã nhập trước đó (bỏ qua)</translation>
    </message>
    <message>
        <source>Walk-in sales</source>
        <translation>Đơn khách lẻ</translation>
    </message>
    <message>
        <source>Cancelled invoices</source>
        <translation>Hóa đơn đã hủy</translation>
    </message>
    <message>
        <source>Already up to date</source>
        <translation>Không cần cập nhật</translation>
    </message>
    <message>
        <source>Dry run: nothing was written</source>
        <translation>Chạy thử: chưa ghi dữ liệu nào</translation>
    </message>
    <message>
        <source>This is what importing the file would do.</source>
        <translation>Đây là kết quả nếu nhập tệp này.</translation>
    </message>
    <message>
        <source>Import finished</source>
        <translation>Đã nhập xong</translation>
    </message>
    <message>
        <source>{file}, sheet “{sheet}”.</source>
        <translation>{file}, trang tính “{sheet}”.</translation>
    </message>
    <message>
        <source>Rows rejected ({rejected}) and warnings ({warnings}):</source>
        <translation>Dòng bị loại ({rejected}) và cảnh báo ({warnings}):</translation>
    </message>
    <message>
        <source>Every row was imported.</source>
        <translation>Tất cả các dòng đã được nhập.</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>Lưu báo cáo</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel</translation>
    </message>
    <message>
        <source>Report saved: {path}</source>
        <translation>Đã lưu báo cáo: {path}</translation>
    </message>
    <message>
        <source>Step 1 of 3: choose the file and the sheet.</source>
        <translation>Bước 1/3: chọn tệp và trang tính.</translation>
    </message>
    <message>
        <source>Check the columns</source>
        <translation>Kiểm tra các cột</translation>
    </message>
    <message>
        <source>Step 2 of 3: correct what a column holds if needed, and look at the first rows.</source>
        <translation>Bước 2/3: sửa nội dung cột nếu cần và xem trước những dòng đầu.</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>Đang nhập</translation>
    </message>
    <message>
        <source>Step 3 of 3.</source>
        <translation>Bước 3/3.</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>Báo cáo nhập dữ liệu</translation>
    </message>
    <message>
        <source>What was imported, and the rows that were not.</source>
        <translation>Những gì đã được nhập và các dòng không nhập được.</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Nhập</translation>
    </message>
    <message>
        <source>Dry run</source>
        <translation>Chạy thử</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Loyalty Desktop — {name}</source>
        <translation>Loyalty Desktop — {name}</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>Phân khúc</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Chiến dịch</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <source>Customers &amp; campaigns</source>
        <translation>Khách hàng &amp; chiến dịch</translation>
    </message>
    <message>
        <source>Version {v}</source>
        <translation>Phiên bản {v}</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Tệp</translation>
    </message>
    <message>
        <source>Import customers from Excel…</source>
        <translation>Nhập khách hàng từ Excel…</translation>
    </message>
    <message>
        <source>Import sales / invoices…</source>
        <translation>Nhập doanh số / hóa đơn…</translation>
    </message>
    <message>
        <source>Open another database…</source>
        <translation>Mở cơ sở dữ liệu khác…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Cài đặt</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Trợ giúp</translation>
    </message>
    <message>
        <source>About Loyalty Desktop</source>
        <translation>Giới thiệu Loyalty Desktop</translation>
    </message>
    <message>
        <source>Database: {name}</source>
        <translation>Dữ liệu: {name}</translation>
    </message>
    <message>
        <source>Counting customers…</source>
        <translation>Đang đếm khách hàng…</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s)</source>
        <translation>
            <numerusform>%n khách hàng</numerusform>
        </translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Nhập dữ liệu</translation>
    </message>
    <message>
        <source>Creating demo customers…</source>
        <translation>Đang tạo khách hàng mẫu…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Demo data</source>
        <translation>Dữ liệu mẫu</translation>
    </message>
    <message>
        <source>Open or create a database</source>
        <translation>Mở hoặc tạo cơ sở dữ liệu</translation>
    </message>
    <message>
        <source>Loyalty database (*.db)</source>
        <translation>Cơ sở dữ liệu Loyalty (*.db)</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>Không mở được cơ sở dữ liệu</translation>
    </message>
    <message>
        <source>The new language is used the next time you open the app.</source>
        <translation>Ngôn ngữ mới sẽ được dùng từ lần mở ứng dụng tiếp theo.</translation>
    </message>
    <message>
        <source>Loyalty Desktop {v}
Customers, segments, tags and SMS campaigns for shops.

Database: {db}</source>
        <translation>Loyalty Desktop {v}
Khách hàng, phân khúc, thẻ và chiến dịch SMS cho cửa hàng.

Dữ liệu: {db}</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge customers</source>
        <translation>Gộp khách hàng</translation>
    </message>
    <message>
        <source>Choose the value to keep for each field. All purchases, tags and history of both customers are kept; points are added up. The second customer is then removed.</source>
        <translation>Chọn giá trị giữ lại cho từng trường. Mọi đơn hàng, thẻ và lịch sử của cả hai khách đều được giữ; điểm được cộng dồn. Sau đó khách thứ hai bị xóa.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Gộp</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(không tên)</translation>
    </message>
    <message>
        <source>{n} orders · {spent} · {points} points</source>
        <translation>{n} đơn · {spent} · {points} điểm</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/Thành</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Mã khách</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>được giữ lại</translation>
    </message>
    <message>
        <source>removed after merging</source>
        <translation>bị xóa sau khi gộp</translation>
    </message>
    <message>
        <source>Same value for both customers</source>
        <translation>Hai khách có cùng giá trị</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>After merging, {name} has {n} orders ({spent}) and {points} points.</source>
        <translation>Sau khi gộp, {name} có {n} đơn hàng ({spent}) và {points} điểm.</translation>
    </message>
    <message>
        <source>Tags: {tags}.</source>
        <translation>Thẻ: {tags}.</translation>
    </message>
    <message>
        <source>One of them opted out of SMS, so the merged customer stays opted out.</source>
        <translation>Một trong hai khách đã từ chối nhận SMS, nên khách sau khi gộp vẫn từ chối nhận SMS.</translation>
    </message>
</context>
<context>
    <name>MultiChoiceEditor</name>
    <message>
        <source>Choose at least one value</source>
        <translation>Chọn ít nhất một giá trị</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Chọn…</translation>
    </message>
    <message>
        <source> (+{n})</source>
        <translation> (+{n})</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
</context>
<context>
    <name>NumberEditor</name>
    <message>
        <source>e.g. 2tr</source>
        <translation>vd. 2tr</translation>
    </message>
    <message>
        <source>number</source>
        <translation>số</translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation>Nhập giá trị</translation>
    </message>
    <message>
        <source>Not an amount of money: {text} (try 2tr, 500k or 2.000.000)</source>
        <translation>Không phải số tiền: {text} (thử 2tr, 500k hoặc 2.000.000)</translation>
    </message>
    <message>
        <source>Not a number: {text}</source>
        <translation>Không phải số: {text}</translation>
    </message>
</context>
<context>
    <name>PeriodSelector</name>
    <message>
        <source>Period:</source>
        <translation>Thời gian:</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Tháng này</translation>
    </message>
    <message>
        <source>Last 3 months</source>
        <translation>3 tháng qua</translation>
    </message>
    <message>
        <source>Last 6 months</source>
        <translation>6 tháng qua</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>12 tháng qua</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>Tùy chọn…</translation>
    </message>
</context>
<context>
    <name>PurchaseDialog</name>
    <message>
        <source>Record a purchase</source>
        <translation>Ghi nhận đơn hàng</translation>
    </message>
    <message>
        <source>For {name}. Points, tier and totals are updated.</source>
        <translation>Cho khách {name}. Điểm, hạng và tổng chi tiêu được cập nhật.</translation>
    </message>
    <message>
        <source>Points, tier and totals are updated.</source>
        <translation>Điểm, hạng và tổng chi tiêu được cập nhật.</translation>
    </message>
    <message>
        <source>e.g. 1.500.000 or 1,5tr</source>
        <translation>ví dụ 1.500.000 hoặc 1,5tr</translation>
    </message>
    <message>
        <source>optional, e.g. Mỹ phẩm</source>
        <translation>không bắt buộc, ví dụ Mỹ phẩm</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>không bắt buộc</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Số tiền</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Danh mục</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kênh</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Ghi nhận</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>not an amount yet</source>
        <translation>chưa phải số tiền hợp lệ</translation>
    </message>
    <message>
        <source>Enter an amount greater than 0, e.g. 250.000 or 1,5tr.</source>
        <translation>Nhập số tiền lớn hơn 0, ví dụ 250.000 hoặc 1,5tr.</translation>
    </message>
</context>
<context>
    <name>RangeEditor</name>
    <message>
        <source>and</source>
        <translation>và</translation>
    </message>
    <message>
        <source>The first value must not be larger than the second</source>
        <translation>Giá trị đầu không được lớn hơn giá trị sau</translation>
    </message>
</context>
<context>
    <name>RuleCanvas</name>
    <message>
        <source>Unknown field: {field}</source>
        <translation>Không rõ trường: {field}</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Chuyển lên</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Chuyển xuống</translation>
    </message>
    <message>
        <source>Move out of the group</source>
        <translation>Đưa ra khỏi nhóm</translation>
    </message>
    <message>
        <source>Move into the group above</source>
        <translation>Đưa vào nhóm phía trên</translation>
    </message>
    <message>
        <source>Put into a new sub-group</source>
        <translation>Đưa vào nhóm con mới</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <source>Add a sub-group</source>
        <translation>Thêm nhóm con</translation>
    </message>
    <message>
        <source>must be between {0} and {1}</source>
        <translation>phải từ {0} đến {1}</translation>
    </message>
    <message>
        <source>must be at least {0}</source>
        <translation>phải từ {0} trở lên</translation>
    </message>
    <message>
        <source>Unknown province: {0}</source>
        <translation>Không rõ tỉnh/thành: {0}</translation>
    </message>
    <message>
        <source>The period must be 1 to {0} days</source>
        <translation>Khoảng thời gian phải từ 1 đến {0} ngày</translation>
    </message>
    <message>
        <source>The number of days must be 0 to {0}</source>
        <translation>Số ngày phải từ 0 đến {0}</translation>
    </message>
    <message>
        <source>Choose at least one value</source>
        <translation>Chọn ít nhất một giá trị</translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation>Nhập giá trị</translation>
    </message>
    <message>
        <source>Enter a date</source>
        <translation>Nhập ngày</translation>
    </message>
    <message>
        <source>The first date must not be after the second</source>
        <translation>Ngày bắt đầu không được sau ngày kết thúc</translation>
    </message>
    <message>
        <source>The first value must not be larger than the second</source>
        <translation>Giá trị đầu không được lớn hơn giá trị sau</translation>
    </message>
    <message>
        <source>Enter a whole number</source>
        <translation>Nhập số nguyên</translation>
    </message>
</context>
<context>
    <name>SegmentAnalyticsWidget</name>
    <message>
        <source>Segment analytics</source>
        <translation>Phân tích nhóm khách</translation>
    </message>
    <message>
        <source>Build or choose a segment to see its customers, revenue and charts.</source>
        <translation>Tạo hoặc chọn một nhóm khách để xem số khách, doanh thu và biểu đồ của nhóm.</translation>
    </message>
    <message>
        <source>Customers in this segment</source>
        <translation>Khách trong nhóm</translation>
    </message>
    <message>
        <source>Their total spending</source>
        <translation>Tổng chi tiêu của nhóm</translation>
    </message>
    <message>
        <source>Average order value</source>
        <translation>Giá trị đơn trung bình</translation>
    </message>
    <message>
        <source>Orders per buying customer</source>
        <translation>Số đơn / khách đã mua</translation>
    </message>
    <message>
        <source>Repeat-purchase rate</source>
        <translation>Tỷ lệ mua lại</translation>
    </message>
    <message>
        <source>Revenue and buying customers by month (last 24 months)</source>
        <translation>Doanh thu và khách mua theo tháng (24 tháng gần nhất)</translation>
    </message>
    <message>
        <source>Ready-made segments within it</source>
        <translation>Các nhóm có sẵn trong nhóm này</translation>
    </message>
    <message>
        <source>RFM grid: recency × frequency</source>
        <translation>Ma trận RFM: gần đây × tần suất</translation>
    </message>
    <message>
        <source>Revenue by category</source>
        <translation>Doanh thu theo ngành hàng</translation>
    </message>
    <message>
        <source>Revenue by sales channel</source>
        <translation>Doanh thu theo kênh bán</translation>
    </message>
    <message>
        <source>Customers and revenue by province (top 15)</source>
        <translation>Khách hàng và doanh thu theo tỉnh/thành (top 15)</translation>
    </message>
    <message>
        <source>By region</source>
        <translation>Theo vùng miền</translation>
    </message>
    <message>
        <source>Age and gender</source>
        <translation>Độ tuổi và giới tính</translation>
    </message>
    <message>
        <source>Customers shared with saved segments</source>
        <translation>Khách chung với các nhóm đã lưu</translation>
    </message>
    <message>
        <source>This segment</source>
        <translation>Nhóm này</translation>
    </message>
    <message>
        <source>Segment analytics: {name}</source>
        <translation>Phân tích nhóm: {name}</translation>
    </message>
    <message>
        <source>all customers: {value}</source>
        <translation>toàn bộ khách: {value}</translation>
    </message>
    <message>
        <source>{share} of all customers</source>
        <translation>{share} tổng số khách</translation>
    </message>
    <message>
        <source>{share} of all revenue</source>
        <translation>{share} tổng doanh thu</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <source>Saved segments</source>
        <translation>Phân khúc đã lưu</translation>
    </message>
    <message>
        <source>+ New</source>
        <translation>+ Mới</translation>
    </message>
    <message>
        <source>Start a new segment, empty or from a template</source>
        <translation>Tạo phân khúc mới, trống hoặc từ mẫu có sẵn</translation>
    </message>
    <message>
        <source>Empty segment</source>
        <translation>Phân khúc trống</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Save the segment (Ctrl+S)</source>
        <translation>Lưu phân khúc (Ctrl+S)</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Lưu thành…</translation>
    </message>
    <message>
        <source>More</source>
        <translation>Thêm</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Đổi tên…</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Nhân bản</translation>
    </message>
    <message>
        <source>Delete segment…</source>
        <translation>Xóa phân khúc…</translation>
    </message>
    <message>
        <source>Export rule as JSON…</source>
        <translation>Xuất quy tắc ra JSON…</translation>
    </message>
    <message>
        <source>Import rule from JSON…</source>
        <translation>Nhập quy tắc từ JSON…</translation>
    </message>
    <message>
        <source>Tag all…</source>
        <translation>Gắn thẻ tất cả…</translation>
    </message>
    <message>
        <source>Add a tag to every customer in this segment</source>
        <translation>Gắn một thẻ cho mọi khách hàng trong phân khúc này</translation>
    </message>
    <message>
        <source>Export for SMS</source>
        <translation>Xuất gửi SMS</translation>
    </message>
    <message>
        <source>Open the campaign export with this segment</source>
        <translation>Mở phần xuất chiến dịch với phân khúc này</translation>
    </message>
    <message>
        <source>Show in customer list</source>
        <translation>Xem danh sách khách</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Hoàn tác</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>Hoàn tác (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Làm lại</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Y)</source>
        <translation>Làm lại (Ctrl+Y)</translation>
    </message>
    <message>
        <source>Add the condition chosen in the list to the selected group</source>
        <translation>Thêm điều kiện đang chọn trong danh sách vào nhóm đang chọn</translation>
    </message>
    <message>
        <source>Add a sub-group to the selected group</source>
        <translation>Thêm nhóm con vào nhóm đang chọn</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <source>Delete the selected condition or group (Del)</source>
        <translation>Xóa điều kiện hoặc nhóm đang chọn (Del)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Điện thoại</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>Tỉnh/Thành</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>Số đơn</translation>
    </message>
    <message>
        <source>Last purchase</source>
        <translation>Mua gần nhất</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Xem trước</translation>
    </message>
    <message>
        <source>Phone number:</source>
        <translation>Số điện thoại:</translation>
    </message>
    <message>
        <source>e.g. 0912 345 678</source>
        <translation>vd. 0912 345 678</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kiểm tra</translation>
    </message>
    <message>
        <source>Why (not) this customer?</source>
        <translation>Vì sao (không) có khách này?</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>Phân tích</translation>
    </message>
    <message>
        <source>Incomplete conditions (not counted): {n}</source>
        <translation>Điều kiện chưa hoàn chỉnh (chưa được tính): {n}</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Đang đếm…</translation>
    </message>
    <message>
        <source>{n} customers</source>
        <translation>{n} khách hàng</translation>
    </message>
    <message>
        <source>{share} of all {total} customers</source>
        <translation>{share} trên tổng số {total} khách hàng</translation>
    </message>
    <message>
        <source>Counted in {s} s</source>
        <translation>Đếm trong {s} giây</translation>
    </message>
    <message>
        <source>Could not count: {error}</source>
        <translation>Không đếm được: {error}</translation>
    </message>
    <message>
        <source>+ Condition</source>
        <translation>+ Điều kiện</translation>
    </message>
    <message>
        <source>+ Group</source>
        <translation>+ Nhóm</translation>
    </message>
    <message>
        <source>{n} cust. · {share}</source>
        <translation>{n} khách · {share}</translation>
    </message>
    <message>
        <source>{n} customers, {share} of all customers</source>
        <translation>{n} khách hàng, {share} tổng số khách hàng</translation>
    </message>
    <message>
        <source>New segment</source>
        <translation>Phân khúc mới</translation>
    </message>
    <message>
        <source>● unsaved changes</source>
        <translation>● chưa lưu thay đổi</translation>
    </message>
    <message>
        <source>No saved segments yet.
Build a rule and press Save.</source>
        <translation>Chưa có phân khúc nào được lưu.
Hãy tạo quy tắc rồi bấm Lưu.</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>đang đếm…</translation>
    </message>
    <message>
        <source>{count} · at {time}</source>
        <translation>{count} · lúc {time}</translation>
    </message>
    <message>
        <source>Counted at {time}</source>
        <translation>Đếm lúc {time}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Thay đổi chưa lưu</translation>
    </message>
    <message>
        <source>The segment “{name}” has unsaved changes. Save them?</source>
        <translation>Phân khúc “{name}” có thay đổi chưa lưu. Lưu lại không?</translation>
    </message>
    <message>
        <source>Open segment</source>
        <translation>Mở phân khúc</translation>
    </message>
    <message>
        <source>Segment name:</source>
        <translation>Tên phân khúc:</translation>
    </message>
    <message>
        <source>Save segment as</source>
        <translation>Lưu phân khúc thành</translation>
    </message>
    <message>
        <source>A segment named “{name}” already exists. Replace its rule with this one?</source>
        <translation>Đã có phân khúc tên “{name}”. Thay quy tắc của nó bằng quy tắc này?</translation>
    </message>
    <message>
        <source>Save segment</source>
        <translation>Lưu phân khúc</translation>
    </message>
    <message>
        <source>Some conditions are not complete (outlined in red). Fix or delete them before saving.</source>
        <translation>Một số điều kiện chưa hoàn chỉnh (viền đỏ). Hãy sửa hoặc xóa chúng trước khi lưu.</translation>
    </message>
    <message>
        <source>Rename segment</source>
        <translation>Đổi tên phân khúc</translation>
    </message>
    <message>
        <source>Duplicate segment</source>
        <translation>Nhân bản phân khúc</translation>
    </message>
    <message>
        <source>{name} (copy)</source>
        <translation>{name} (bản sao)</translation>
    </message>
    <message>
        <source>Delete segment</source>
        <translation>Xóa phân khúc</translation>
    </message>
    <message>
        <source>Delete the segment “{name}”? Customers are not deleted.</source>
        <translation>Xóa phân khúc “{name}”? Khách hàng không bị xóa.</translation>
    </message>
    <message>
        <source>Export rule</source>
        <translation>Xuất quy tắc</translation>
    </message>
    <message>
        <source>Rule (*.json)</source>
        <translation>Quy tắc (*.json)</translation>
    </message>
    <message>
        <source>Import rule</source>
        <translation>Nhập quy tắc</translation>
    </message>
    <message>
        <source>Save the segment first.</source>
        <translation>Hãy lưu phân khúc trước.</translation>
    </message>
    <message>
        <source>Tag all</source>
        <translation>Gắn thẻ tất cả</translation>
    </message>
    <message>
        <source>Tag to add to the {n} customers of this segment:</source>
        <translation>Thẻ gắn cho {n} khách hàng của phân khúc này:</translation>
    </message>
    <message>
        <source>Segment: {name}</source>
        <translation>Phân khúc: {name}</translation>
    </message>
    <message>
        <source>Tagging…</source>
        <translation>Đang gắn thẻ…</translation>
    </message>
    <message>
        <source>Tag “{tag}” added to {n} customers</source>
        <translation>Đã gắn thẻ “{tag}” cho {n} khách hàng</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>No customer has the phone number {phone}.</source>
        <translation>Không có khách hàng nào có số điện thoại {phone}.</translation>
    </message>
    <message>
        <source>{name} IS in this segment.</source>
        <translation>{name} CÓ trong phân khúc này.</translation>
    </message>
    <message>
        <source>{name} is NOT in this segment.</source>
        <translation>{name} KHÔNG có trong phân khúc này.</translation>
    </message>
    <message>
        <source>{condition} — this customer: {value}</source>
        <translation>{condition} — khách này: {value}</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} ngày</translation>
    </message>
    <message>
        <source>not: {rule}</source>
        <translation>không: {rule}</translation>
    </message>
    <message>
        <source>{a} to {b}</source>
        <translation>{a} đến {b}</translation>
    </message>
    <message>
        <source>(last {n} days)</source>
        <translation>({n} ngày qua)</translation>
    </message>
    <message>
        <source>Analysis is not available in this version.</source>
        <translation>Phần phân tích chưa có trong phiên bản này.</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>Loyalty Desktop is already open</source>
        <translation>Loyalty Desktop đang mở</translation>
    </message>
    <message>
        <source>Loyalty Desktop is already open on this database but does not respond. Close it (or restart the computer), then open it again.</source>
        <translation>Loyalty Desktop đang mở với cơ sở dữ liệu này nhưng không phản hồi. Hãy đóng nó (hoặc khởi động lại máy), rồi mở lại.</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <source>Edit tag</source>
        <translation>Sửa thẻ</translation>
    </message>
    <message>
        <source>New tag</source>
        <translation>Thẻ mới</translation>
    </message>
    <message>
        <source>e.g. VIP, Khách sỉ</source>
        <translation>ví dụ: VIP, Khách sỉ</translation>
    </message>
    <message>
        <source>none (type a new group name to create it)</source>
        <translation>không có (gõ tên nhóm mới để tạo)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Màu</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Mô tả</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Nhóm</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Change colour…</source>
        <translation>Đổi màu…</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>Màu thẻ</translation>
    </message>
    <message>
        <source>Enter a name for the tag.</source>
        <translation>Nhập tên thẻ.</translation>
    </message>
</context>
<context>
    <name>TagsPage</name>
    <message>
        <source>Tags</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>New tag</source>
        <translation>Thẻ mới</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Sửa…</translation>
    </message>
    <message>
        <source>Move to group…</source>
        <translation>Chuyển vào nhóm…</translation>
    </message>
    <message>
        <source>Put the tag into a group, or take it out of its group</source>
        <translation>Đưa thẻ vào một nhóm, hoặc đưa thẻ ra khỏi nhóm</translation>
    </message>
    <message>
        <source>Merge into…</source>
        <translation>Gộp vào…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Xóa…</translation>
    </message>
    <message>
        <source>Show customers</source>
        <translation>Xem khách hàng</translation>
    </message>
    <message>
        <source>Tag groups…</source>
        <translation>Nhóm thẻ…</translation>
    </message>
    <message>
        <source>Create, rename or delete tag groups</source>
        <translation>Tạo, đổi tên hoặc xóa nhóm thẻ</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>Thẻ</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Nhóm</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>Khách hàng</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Tỷ lệ</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation>Tổng chi tiêu</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Mô tả</translation>
    </message>
    <message>
        <source>Bulk tagging</source>
        <translation>Gắn thẻ hàng loạt</translation>
    </message>
    <message>
        <source>Tag or untag everyone in a saved segment. You can undo it afterwards.</source>
        <translation>Gắn hoặc gỡ thẻ cho mọi khách trong một phân khúc đã lưu. Có thể hoàn tác sau đó.</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Phân khúc</translation>
    </message>
    <message>
        <source>Tag segment</source>
        <translation>Gắn thẻ phân khúc</translation>
    </message>
    <message>
        <source>Untag segment</source>
        <translation>Gỡ thẻ phân khúc</translation>
    </message>
    <message>
        <source>Recent bulk operations</source>
        <translation>Thao tác hàng loạt gần đây</translation>
    </message>
    <message>
        <source>None yet. Bulk tagging here or on the Customers page shows up here, ready to undo.</source>
        <translation>Chưa có. Các lần gắn thẻ hàng loạt ở đây hoặc ở trang Khách hàng sẽ hiện ở đây để có thể hoàn tác.</translation>
    </message>
    <message>
        <source>Undo selected operation</source>
        <translation>Hoàn tác thao tác đã chọn</translation>
    </message>
    <message>
        <source>{n} tags in {g} groups</source>
        <translation>{n} thẻ trong {g} nhóm</translation>
    </message>
    <message>
        <source>Save a segment first (Segments page) to tag its customers.</source>
        <translation>Hãy lưu một phân khúc trước (trang Phân khúc) để gắn thẻ cho khách trong đó.</translation>
    </message>
    <message>
        <source>Tagged</source>
        <translation>Gắn thẻ</translation>
    </message>
    <message>
        <source>Untagged</source>
        <translation>Gỡ thẻ</translation>
    </message>
    <message>
        <source>(undone)</source>
        <translation>(đã hoàn tác)</translation>
    </message>
    <message>
        <source>Delete tag</source>
        <translation>Xóa thẻ</translation>
    </message>
    <message>
        <source>Delete the tag “{name}”? {n} customers carry it and will lose it.</source>
        <translation>Xóa thẻ “{name}”? {n} khách hàng đang có thẻ này sẽ mất thẻ.</translation>
    </message>
    <message>
        <source>(no group)</source>
        <translation>(không thuộc nhóm)</translation>
    </message>
    <message>
        <source>Move to group</source>
        <translation>Chuyển vào nhóm</translation>
    </message>
    <message>
        <source>Group for “{name}” (type a new name to create a group):</source>
        <translation>Nhóm của “{name}” (gõ tên mới để tạo nhóm):</translation>
    </message>
    <message>
        <source>Merge tag</source>
        <translation>Gộp thẻ</translation>
    </message>
    <message>
        <source>Merge “{name}” into (its customers get this tag; “{name}” is deleted):</source>
        <translation>Gộp “{name}” vào thẻ (khách của thẻ này nhận thẻ được chọn; “{name}” bị xóa):</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Đang xử lý…</translation>
    </message>
    <message>
        <source>Tagged {n} customers “{tag}” ({m} in the segment).</source>
        <translation>Đã gắn thẻ “{tag}” cho {n} khách hàng ({m} khách trong phân khúc).</translation>
    </message>
    <message>
        <source>Removed “{tag}” from {n} customers ({m} in the segment).</source>
        <translation>Đã gỡ thẻ “{tag}” khỏi {n} khách hàng ({m} khách trong phân khúc).</translation>
    </message>
    <message>
        <source>Undone: {n} customers changed back.</source>
        <translation>Đã hoàn tác: {n} khách hàng được khôi phục.</translation>
    </message>
</context>
<context>
    <name>TextEditor</name>
    <message>
        <source>text</source>
        <translation>văn bản</translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation>Nhập giá trị</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Loyalty Desktop</source>
        <translation>Chào mừng đến với Loyalty Desktop</translation>
    </message>
    <message>
        <source>Bring in the customer list you keep in Excel: one clean list, one customer per phone number. Then build customer groups, tag them and export SMS lists for your campaigns.</source>
        <translation>Đưa danh sách khách hàng bạn đang lưu trong Excel vào đây: một danh sách gọn gàng, mỗi số điện thoại là một khách hàng. Sau đó tạo nhóm khách, gắn thẻ và xuất danh sách SMS cho chiến dịch.</translation>
    </message>
    <message>
        <source>Import from Excel</source>
        <translation>Nhập từ Excel</translation>
    </message>
    <message>
        <source>Try with demo data</source>
        <translation>Dùng thử với dữ liệu mẫu</translation>
    </message>
    <message>
        <source>Excel (.xlsx, .xls) and CSV files from KiotViet, Sapo or your own sheet.</source>
        <translation>Tệp Excel (.xlsx, .xls) và CSV từ KiotViet, Sapo hoặc bảng tính tự làm.</translation>
    </message>
</context>
<context>
    <name>_ChoicePopup</name>
    <message>
        <source>Search…</source>
        <translation>Tìm…</translation>
    </message>
</context>
</TS>
